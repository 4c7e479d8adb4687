/**
 * What every feature gets: one object built once at activation and passed to each feature's
 * `register(services)` (ARCHITECTURE.md). Features talk to etcd only through `sessions` (which always
 * hands out the connection of a profile as it is now), find their targets through `targets`, and
 * register commands through `command` (logs failures, offers "Show Log").
 */
import * as vscode from 'vscode';
import { EtcdConnection } from '../core/etcd/connection';
import { Sessions } from '../core/etcd/sessions';
import { Logger } from '../core/log';
import { deferCommands } from './commands/deferred';
import { CommandId } from './commands/ids';
import { registerCommand } from './commands/register';
import { Targets } from './commands/targets';
import { askPassword } from './connections/connectionForm';
import { ConnectionStore } from './connections/connectionStore';
import { ClustersTreeProvider } from './explorer/clustersTreeProvider';
import { TreeNode } from './explorer/node';
import { createLogger } from './platform/log';
import { SnapshotStore } from './snapshots/snapshotStore';

export interface Services {
  readonly ctx: vscode.ExtensionContext;
  /** The "etcd Studio" log channel; `logger(component)` tags its lines. */
  readonly channel: vscode.LogOutputChannel;
  readonly log: Logger;
  logger(component: string): Logger;
  /** Connection profiles (settings) and passwords (SecretStorage). */
  readonly store: ConnectionStore;
  /** Open connections, one per profile, always matching the profile's current settings. */
  readonly sessions: Sessions;
  /** The connection of a profile by name (opens it on first use). */
  connect(name: string): Promise<EtcdConnection>;
  /** Snapshot files opened for browsing. */
  readonly snapshots: SnapshotStore;
  /** The Clusters view. */
  readonly tree: ClustersTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  /** Re-renders a node of the Clusters view, or all of it. */
  refreshTree(node?: TreeNode): void;
  /** Finds what a command acts on (see commands/targets.ts). */
  readonly targets: Targets;
  /** Registers a command through the one wrapper. */
  command(id: CommandId, fn: (...args: never[]) => unknown): void;
  /**
   * Registers `ids` with stubs whose first call loads the feature's commands file (an `import()` of it:
   * a file of its own in dist/) and registers its handlers; activation loads none of that code.
   */
  deferCommands<R>(ids: readonly CommandId[], load: () => Promise<(s: Services) => R>): () => Promise<R>;
}

export function createServices(ctx: vscode.ExtensionContext): Services {
  const channel = vscode.window.createOutputChannel('etcd Studio', { log: true });
  ctx.subscriptions.push(channel);
  const log = createLogger(channel, 'main');
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
  const connect = (name: string) => sessions.get(name);
  const tree = new ClustersTreeProvider(store, snapshots, { connect, forgetPassword: (name) => store.forgetPassword(name) });
  const view = vscode.window.createTreeView('etcdStudio.clusters', { treeDataProvider: tree, showCollapseAll: true });
  ctx.subscriptions.push(tree, view);

  // Settings changed by any means (a command, settings.json, sync): connections whose profile changed or
  // was removed are closed (the next use opens one with the new settings), and the tree is rebuilt.
  store.onDidChange(() => {
    sessions.sync();
    tree.reset();
  });
  store.onDidChangePassword((name) => sessions.disconnect(name));
  snapshots.onDidChange(() => tree.refresh());

  const services: Services = {
    ctx,
    channel,
    log,
    logger: (component) => createLogger(channel, component),
    store,
    sessions,
    connect,
    snapshots,
    tree,
    view,
    refreshTree: (node) => tree.refresh(node),
    targets: new Targets(() => store.list().map((p) => p.name)),
    command: (id, fn) => registerCommand(ctx, log, id, fn),
    deferCommands: (ids, load) => deferCommands(services, createLogger(channel, 'load'), ids, load),
  };
  return services;
}
