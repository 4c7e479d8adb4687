/** The code of the explorer commands, loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import { etcdctlCommand } from '../../core/etcd/etcdctlCommand';
import { getKey } from '../../core/etcd/kv';
import { EtcdStudioError } from '../../core/errors';
import { CommandIds } from '../commands/ids';
import { connectionOf, targetOf, TargetArg } from '../commands/targets';
import { Services } from '../services';
import { goToKey } from './goToKey';
import { revealKey } from './revealKey';
import { keyLabel, parseKeyLabel } from './keyTreeAdapter';
import { TreeNode } from './node';

export function registerCommands(s: Services): void {
  const { tree, targets } = s;
  s.command(CommandIds.refresh, (node?: TreeNode) => {
    if (node?.reset) {
      node.reset();
      tree.refresh(node);
      return;
    }
    const connection = connectionOf(node?.target);
    if (connection) {
      s.sessions.disconnect(connection);
      tree.refresh(node);
      return;
    }
    s.sessions.disposeAll();
    tree.reset();
  });
  s.command(CommandIds.loadMore, async (node?: TreeNode) => {
    await node?.loadMore?.();
  });
  s.command(CommandIds.copyKey, async (arg?: TargetArg) => {
    const t = targetOf(arg);
    const key = t && 'key' in t ? t.key : t && 'prefix' in t ? t.prefix : undefined;
    if (!key) return undefined;
    const text = keyLabel(key);
    await vscode.env.clipboard.writeText(text);
    return text;
  });
  s.command(CommandIds.copyAsEtcdctl, async (arg?: TargetArg) => {
    const t = targets.keyOrPrefix(arg, 'Copy as etcdctl Command');
    const profile = t && s.store.get(t.connection);
    if (!t || !profile) return undefined;
    const text = t.isPrefix ? etcdctlCommand(profile, ['get', '--prefix', '--keys-only'], t.key) : etcdctlCommand(profile, ['get'], t.key);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage('etcdctl command copied', 3000);
    return text;
  });
  s.command(CommandIds.goToKey, async (arg?: TargetArg, opts: { key?: string } = {}) => {
    const name = await targets.connection(arg, 'Go to key in which connection?');
    if (!name) return undefined;
    const conn = await s.connect(name);
    const key = opts.key !== undefined ? parseKeyLabel(opts.key) : await goToKey(conn, s.store.get(name)?.prefix ?? '');
    if (!key) return undefined;
    if (!(await getKey(conn, key))) throw new EtcdStudioError('NotFound', `No key ${keyLabel(key)} in "${name}".`);
    const node = await revealKey(tree, s.view, conn, name, key);
    return node ? keyLabel(key) : undefined;
  });
}
