import * as vscode from 'vscode';
import { etcdctlCommand } from '../../core/etcd/etcdctlCommand';
import { getKey } from '../../core/etcd/kv';
import { Sessions } from '../../core/etcd/sessions';
import { EtcdStudioError } from '../../core/errors';
import { Logger } from '../../core/log';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { ClustersTreeProvider } from './clustersTreeProvider';
import { ConnectionNode } from './connectionNode';
import { goToKey } from './goToKey';
import { KeyNode, LoadMoreNode, PrefixNode } from './keyNodes';
import { keyLabel, parseKeyLabel } from './keyTreeAdapter';
import { liveConnection } from './keySource';
import { TreeNode } from './node';

export function registerTreeCommands(
  ctx: vscode.ExtensionContext,
  log: Logger,
  store: ConnectionStore,
  sessions: Sessions,
  tree: ClustersTreeProvider,
  view: vscode.TreeView<TreeNode>,
): void {
  registerCommand(ctx, log, CommandIds.refresh, (node?: TreeNode) => {
    if (node instanceof PrefixNode) {
      node.reset();
      tree.refresh(node);
      return;
    }
    if (node instanceof ConnectionNode) {
      sessions.disconnect(node.profile.name);
      tree.refresh(node);
      return;
    }
    sessions.disposeAll();
    tree.reset();
  });
  registerCommand(ctx, log, CommandIds.loadMore, async (node: LoadMoreNode) => {
    if (node instanceof LoadMoreNode) await node.parent.loadMore();
  });
  registerCommand(ctx, log, CommandIds.copyKey, async (node?: KeyNode | PrefixNode) => {
    const key = node instanceof KeyNode ? node.key : node instanceof PrefixNode ? node.prefix : undefined;
    if (!key) return undefined;
    const text = keyLabel(key);
    await vscode.env.clipboard.writeText(text);
    return text;
  });
  registerCommand(ctx, log, CommandIds.copyAsEtcdctl, async (node?: KeyNode | PrefixNode) => {
    if (!(node instanceof KeyNode || node instanceof PrefixNode)) return undefined;
    const profile = liveConnection(node.ctx.source, 'Copy as etcdctl command').profile;
    const text =
      node instanceof KeyNode
        ? etcdctlCommand(profile, ['get'], node.key)
        : etcdctlCommand(profile, ['get', '--prefix', '--keys-only'], node.prefix);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage('etcdctl command copied', 3000);
    return text;
  });
  registerCommand(ctx, log, CommandIds.goToKey, async (arg?: ConnectionNode | string, keyText?: string) => {
    const name =
      arg instanceof ConnectionNode
        ? arg.profile.name
        : typeof arg === 'string'
          ? arg
          : store.list().length === 1
            ? store.list()[0].name
            : await vscode.window.showQuickPick(
                store.list().map((p) => p.name),
                { title: 'Go to key in which connection?' },
              );
    if (!name) return undefined;
    const conn = await sessions.get(name);
    const key = keyText !== undefined ? parseKeyLabel(keyText) : await goToKey(conn, store.get(name)?.prefix ?? '');
    if (!key) return undefined;
    if (!(await getKey(conn, key))) throw new EtcdStudioError('NotFound', `No key ${keyLabel(key)} in "${name}".`);
    const node = await tree.revealKey(view, name, key);
    return node ? keyLabel(key) : undefined;
  });
}
