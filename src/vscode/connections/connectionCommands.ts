/** The code of the connections commands, loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { isScripted, TargetArg } from '../commands/targets';
import { Services } from '../services';
import { addConnection, ConnectionArg, testConnection } from './addConnection';
import { editConnection } from './editConnection';
import { ImportArg, importConnection } from './importConnection';
import { ConnectionProfile } from '../../core/etcd/profile';

export function registerCommands(s: Services): void {
  const { store, sessions, targets } = s;
  s.command(CommandIds.addConnection, (arg?: ConnectionArg) => addConnection(store, arg));
  s.command(CommandIds.importConnection, (arg?: ImportArg) => importConnection(store, arg));
  // Settings changes reach open connections by themselves (services.ts), so editing needs no disconnect here.
  s.command(CommandIds.editConnection, async (arg?: TargetArg, changes?: Partial<ConnectionProfile> & { password?: string }) => {
    const name = await targets.connection(arg, 'Edit which connection?');
    return name ? editConnection(store, name, changes) : undefined;
  });
  s.command(CommandIds.removeConnection, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const name = await targets.connection(arg, 'Remove which connection?');
    if (!name) return;
    if (!isScripted(arg) && !opts.confirmed) {
      const ok = await vscode.window.showWarningMessage(
        `Remove connection "${name}"? Its saved password is deleted too; the cluster is not touched.`,
        { modal: true },
        'Remove',
      );
      if (ok !== 'Remove') return;
    }
    await store.remove(name);
    sessions.disconnect(name);
  });
  s.command(CommandIds.testConnection, async (arg?: TargetArg) => {
    const name = await targets.connection(arg, 'Test which connection?');
    const profile = name ? store.get(name) : undefined;
    if (!profile) return undefined;
    const message = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${name}…` },
      async () => testConnection(profile, profile.username ? await store.password(profile.name) : undefined),
    );
    if (!isScripted(arg)) void vscode.window.showInformationMessage(message);
    return message;
  });
  s.command(CommandIds.connect, async (arg?: TargetArg) => {
    const name = await targets.connection(arg, 'Connect to which cluster?');
    if (!name) return;
    await s.connect(name);
    s.tree.reset();
  });
  s.command(CommandIds.disconnect, async (arg?: TargetArg) => {
    const name = await targets.connection(arg, 'Disconnect which cluster?');
    if (!name) return;
    sessions.disconnect(name);
    s.tree.reset();
  });
}
