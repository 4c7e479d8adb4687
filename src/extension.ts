import * as vscode from 'vscode';
import { Sessions } from './core/etcd/sessions';
import { CommandIds } from './vscode/commands/ids';
import { registerCommand } from './vscode/commands/register';
import { addConnection } from './vscode/connections/addConnection';
import { ConnectionStore } from './vscode/connections/connectionStore';
import { DemoCluster } from './vscode/demo/demoCluster';
import { createLogger } from './vscode/platform/log';
import { ClustersTreeProvider } from './vscode/tree/clustersTreeProvider';
import { ConnectionNode } from './vscode/tree/connectionNode';

export function activate(ctx: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('etcd Studio', { log: true });
  ctx.subscriptions.push(channel);
  const log = createLogger(channel, 'main');
  try {
    const store = new ConnectionStore(ctx.secrets);
    store.watch(ctx);
    const sessions = new Sessions((n) => store.get(n), (n) => store.password(n), createLogger(channel, 'etcd'));
    ctx.subscriptions.push({ dispose: () => sessions.disposeAll() });

    const tree = new ClustersTreeProvider(store, sessions);
    ctx.subscriptions.push(tree, vscode.window.createTreeView('etcdStudio.clusters', { treeDataProvider: tree, showCollapseAll: true }));
    store.onDidChange(() => tree.refresh());

    const demo = new DemoCluster(ctx.globalStorageUri, store, createLogger(channel, 'demo'));
    ctx.subscriptions.push(demo);

    registerCommand(ctx, log, CommandIds.addConnection, (arg) => addConnection(store, arg));
    registerCommand(ctx, log, CommandIds.removeConnection, async (arg?: ConnectionNode | string) => {
      const name = typeof arg === 'string' ? arg : arg?.profile.name;
      if (!name) return;
      if (typeof arg !== 'string') {
        const ok = await vscode.window.showWarningMessage(`Remove connection "${name}"? Its saved password is deleted too; the cluster is not touched.`, { modal: true }, 'Remove');
        if (ok !== 'Remove') return;
      }
      sessions.disconnect(name);
      await store.remove(name);
    });
    registerCommand(ctx, log, CommandIds.refresh, () => {
      sessions.disposeAll();
      tree.refresh();
    });
    registerCommand(ctx, log, CommandIds.startDemoCluster, () => demo.start());
    registerCommand(ctx, log, CommandIds.showLog, () => channel.show());
    log.info(`etcd Studio ${ctx.extension.packageJSON.version} activated`);
  } catch (e) {
    // Activation failures are shown and logged with their stack, never swallowed.
    log.error(e instanceof Error ? e : String(e));
    void vscode.window.showErrorMessage(`etcd Studio failed to start: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {
  // Disposables in ctx.subscriptions stop sessions and the demo cluster.
}
