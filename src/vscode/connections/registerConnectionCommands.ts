import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { Logger } from '../../core/log';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionNode } from '../tree/connectionNode';
import { addConnection, testConnection } from './addConnection';
import { ConnectionStore } from './connectionStore';
import { editConnection } from './editConnection';
import { importConnection } from './importConnection';

/** A connection name from a tree node, a plain string argument, or a quick pick. */
async function connectionName(store: ConnectionStore, arg: unknown, title: string): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg instanceof ConnectionNode) return arg.profile.name;
  const names = store.list().map((p) => p.name);
  if (names.length === 0) {
    void vscode.window.showInformationMessage('No etcd connections yet: add one first.');
    return undefined;
  }
  return names.length === 1 ? names[0] : vscode.window.showQuickPick(names, { title });
}

export function registerConnectionCommands(
  ctx: vscode.ExtensionContext,
  log: Logger,
  store: ConnectionStore,
  sessions: Sessions,
  refresh: () => void,
): void {
  registerCommand(ctx, log, CommandIds.addConnection, (arg) => addConnection(store, arg));
  registerCommand(ctx, log, CommandIds.importConnection, (arg) => importConnection(store, arg));
  registerCommand(ctx, log, CommandIds.editConnection, async (arg, changes) => {
    const name = await connectionName(store, arg, 'Edit which connection?');
    if (!name) return undefined;
    sessions.disconnect(name);
    return editConnection(store, name, changes);
  });
  registerCommand(ctx, log, CommandIds.removeConnection, async (arg) => {
    const name = await connectionName(store, arg, 'Remove which connection?');
    if (!name) return;
    if (typeof arg !== 'string') {
      const ok = await vscode.window.showWarningMessage(
        `Remove connection "${name}"? Its saved password is deleted too; the cluster is not touched.`,
        { modal: true },
        'Remove',
      );
      if (ok !== 'Remove') return;
    }
    sessions.disconnect(name);
    await store.remove(name);
  });
  registerCommand(ctx, log, CommandIds.testConnection, async (arg) => {
    const name = await connectionName(store, arg, 'Test which connection?');
    const profile = name ? store.get(name) : undefined;
    if (!profile) return undefined;
    const message = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${name}…` },
      async () => testConnection(profile, profile.username ? await store.password(profile.name) : undefined),
    );
    if (typeof arg !== 'string') void vscode.window.showInformationMessage(message);
    return message;
  });
  registerCommand(ctx, log, CommandIds.connect, async (arg) => {
    const name = await connectionName(store, arg, 'Connect to which cluster?');
    if (!name) return;
    await sessions.get(name);
    refresh();
  });
  registerCommand(ctx, log, CommandIds.disconnect, async (arg) => {
    const name = await connectionName(store, arg, 'Disconnect which cluster?');
    if (!name) return;
    sessions.disconnect(name);
    refresh();
  });
}
