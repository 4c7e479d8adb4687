import * as vscode from 'vscode';
import { Sessions } from './core/etcd/sessions';
import { CommandIds } from './vscode/commands/ids';
import { registerCommand } from './vscode/commands/register';
import { askPassword } from './vscode/connections/connectionForm';
import { ConnectionStore } from './vscode/connections/connectionStore';
import { registerConnectionCommands } from './vscode/connections/registerConnectionCommands';
import { registerScripting } from './vscode/client';
import { DemoCluster } from './vscode/demo/demoCluster';
import { EtcdFileSystemProvider } from './vscode/fs/etcdFileSystemProvider';
import { handleConflicts } from './vscode/fs/conflicts';
import { ETCD_SCHEME } from './vscode/fs/etcdUri';
import { registerHistoryCommands } from './vscode/fs/historyCommands';
import { registerKeyCommands } from './vscode/fs/keyCommands';
import { registerLiveCommands } from './vscode/live/liveCommands';
import { registerMaintenanceCommands } from './vscode/maintenance/maintenanceCommands';
import { createLogger } from './vscode/platform/log';
import { registerRestoreCommand } from './vscode/snapshots/restoreCommand';
import { registerSnapshotCommands } from './vscode/snapshots/snapshotCommands';
import { SNAPSHOT_SCHEME, SnapshotDocumentProvider } from './vscode/snapshots/snapshotDocuments';
import { SnapshotStore } from './vscode/snapshots/snapshotStore';
import { ClustersTreeProvider } from './vscode/tree/clustersTreeProvider';
import { registerTreeCommands } from './vscode/tree/registerTreeCommands';

/** What activate() returns: used by the extension-host tests to look at the real tree. */
export interface EtcdStudioApi {
  tree: ClustersTreeProvider;
}

export function activate(ctx: vscode.ExtensionContext): EtcdStudioApi {
  const channel = vscode.window.createOutputChannel('etcd Studio', { log: true });
  ctx.subscriptions.push(channel);
  const log = createLogger(channel, 'main');
  try {
    const store = new ConnectionStore(ctx.secrets);
    store.watch(ctx);
    // A user with no saved password is asked once; the answer goes to SecretStorage only.
    const password = async (name: string) => {
      const saved = await store.password(name);
      const profile = store.get(name);
      if (saved !== undefined || !profile?.username) return saved;
      const entered = await askPassword(profile);
      if (entered !== undefined) await store.savePassword(name, entered);
      return entered;
    };
    const sessions = new Sessions((n) => store.get(n), password, createLogger(channel, 'etcd'));
    ctx.subscriptions.push({ dispose: () => sessions.disposeAll() });

    const snapshots = new SnapshotStore();
    ctx.subscriptions.push(snapshots);
    const tree = new ClustersTreeProvider(store, sessions, snapshots);
    const view = vscode.window.createTreeView('etcdStudio.clusters', { treeDataProvider: tree, showCollapseAll: true });
    ctx.subscriptions.push(tree, view);
    store.onDidChange(() => tree.reset());
    snapshots.onDidChange(() => tree.refresh());
    ctx.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, new SnapshotDocumentProvider(snapshots)));
    registerSnapshotCommands(ctx, log, store, sessions, snapshots);
    const restoreOutput = vscode.window.createOutputChannel('etcd Studio: Restore');
    ctx.subscriptions.push(restoreOutput);
    registerRestoreCommand(ctx, log, store, sessions, snapshots, restoreOutput);

    const demo = new DemoCluster(ctx.globalStorageUri, store, createLogger(channel, 'demo'));
    ctx.subscriptions.push(demo);

    registerConnectionCommands(ctx, log, store, sessions, () => tree.reset());
    registerTreeCommands(ctx, log, store, sessions, tree, view);

    const fs = new EtcdFileSystemProvider(sessions, createLogger(channel, 'fs'));
    ctx.subscriptions.push(vscode.workspace.registerFileSystemProvider(ETCD_SCHEME, fs, { isCaseSensitive: true }));
    handleConflicts(ctx, fs);
    registerKeyCommands(ctx, log, sessions, () => tree.refresh());
    registerHistoryCommands(ctx, log, sessions, () => tree.refresh());
    registerMaintenanceCommands(ctx, log, store, sessions, () => tree.reset());
    registerLiveCommands(ctx, log, store, sessions, () => tree.refresh());
    registerScripting(ctx, { log: createLogger(channel, 'scripts'), channel, sessions, store });
    registerCommand(ctx, log, CommandIds.startDemoCluster, () => demo.start());
    registerCommand(ctx, log, CommandIds.showLog, () => channel.show());
    log.info(`etcd Studio ${ctx.extension.packageJSON.version} activated`);
    return { tree };
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
