/**
 * The Space feature: "Show Space" on a connection, a prefix, or a snapshot file (tree context menus
 * and the palette) opens the Space webview there (spacePanel.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { keyFromText } from '../../core/keytree/keyText';
import { EtcdStudioError } from '../../core/errors';
import { Logger } from '../../core/log';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { pickSnapshotFile } from '../snapshots/snapshotCommands';
import { SnapshotNode } from '../snapshots/snapshotNode';
import { ConnectionNode } from '../tree/connectionNode';
import { PrefixNode } from '../tree/keyNodes';
import { SpacePanel, SpaceSource } from './spacePanel';

export interface SpaceDeps {
  log: Logger;
  store: ConnectionStore;
  sessions: Sessions;
}

type SpaceArg = ConnectionNode | PrefixNode | SnapshotNode | string | undefined;

/** Where "Show Space" was asked for: a tree node, `(connectionName | snapshotFile, prefixText?)`, or a pick. */
async function targetOf(
  deps: SpaceDeps,
  arg: SpaceArg,
  prefixText?: string,
): Promise<{ source: SpaceSource; prefix: Buffer; top: Buffer } | undefined> {
  if (arg instanceof SnapshotNode)
    return { source: { kind: 'snapshot', file: arg.opened.file }, prefix: Buffer.alloc(0), top: Buffer.alloc(0) };
  if (arg instanceof PrefixNode) {
    const src = arg.ctx.source;
    const source: SpaceSource =
      src.kind === 'live' ? { kind: 'live', connection: src.conn.profile.name } : { kind: 'snapshot', file: src.file };
    const top = source.kind === 'live' ? Buffer.from(deps.store.get(source.connection)?.prefix ?? '') : Buffer.alloc(0);
    return { source, prefix: arg.prefix, top };
  }
  let name = arg instanceof ConnectionNode ? arg.profile.name : arg;
  // A string that names no connection but an existing file is a snapshot (or a stopped member's db).
  if (name !== undefined && !deps.store.get(name) && existsSync(name))
    return {
      source: { kind: 'snapshot', file: path.resolve(name) },
      prefix: prefixText !== undefined ? keyFromText(prefixText) : Buffer.alloc(0),
      top: Buffer.alloc(0),
    };
  if (!name) {
    const SNAPSHOT = 'Snapshot or db file…';
    const names = deps.store.list().map((p) => p.name);
    name = await vscode.window.showQuickPick([...names, SNAPSHOT], { title: 'Show the space of which connection or snapshot?' });
    if (!name) return undefined;
    if (name === SNAPSHOT) {
      const file = await pickSnapshotFile('Show the space of an etcd snapshot or db file');
      return file ? { source: { kind: 'snapshot', file }, prefix: Buffer.alloc(0), top: Buffer.alloc(0) } : undefined;
    }
  }
  if (!deps.store.get(name)) throw new EtcdStudioError('NotFound', `No connection or snapshot file named "${name}".`);
  const top = Buffer.from(deps.store.get(name)?.prefix ?? '');
  return { source: { kind: 'live', connection: name }, prefix: prefixText !== undefined ? keyFromText(prefixText) : top, top };
}

export function registerSpace(ctx: vscode.ExtensionContext, deps: SpaceDeps): void {
  registerCommand(ctx, deps.log, CommandIds.showSpace, async (arg?: SpaceArg, prefixText?: string) => {
    const t = await targetOf(deps, arg, prefixText);
    if (!t) return undefined;
    const panel = SpacePanel.show(ctx.extensionUri, deps.sessions, deps.log, t.source, t.prefix, t.top);
    // What the view first drew (for scripts and tests): its prefix, totals, children and largest keys.
    const shown = await panel.nextView();
    if ('error' in shown) return shown;
    const v = shown.view;
    return {
      source: v.source,
      prefix: v.root.text,
      keys: v.root.keys,
      bytes: v.root.bytes,
      children: v.root.children.map((c) => ({ prefix: c.text, keys: c.keys, bytes: c.bytes })),
      largest: v.largest.map((k) => k.text),
      ...(v.history ? { history: v.history } : {}),
    };
  });
}
