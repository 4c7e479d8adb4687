/**
 * Activation: build the shared services once, then let each feature register its commands, views and
 * providers (ARCHITECTURE.md says where a new feature goes). Nothing else happens here.
 */
import * as vscode from 'vscode';
import * as auth from './vscode/auth';
import * as cluster from './vscode/cluster';
import { CommandIds } from './vscode/commands/ids';
import * as dashboard from './vscode/dashboard';
import * as connections from './vscode/connections';
import * as demo from './vscode/demo';
import * as editor from './vscode/editor';
import * as explorer from './vscode/explorer';
import type { ClustersTreeProvider } from './vscode/explorer/clustersTreeProvider';
import * as keys from './vscode/keys';
import * as leases from './vscode/leases';
import * as live from './vscode/live';
import * as scripts from './vscode/scripts';
import * as search from './vscode/search';
import type { SearchResultsProvider } from './vscode/search/searchResults';
import { createServices, Services } from './vscode/services';
import * as snapshots from './vscode/snapshots';
import * as transfer from './vscode/transfer';
import * as v2 from './vscode/v2';
import * as space from './vscode/space';

/** What activate() returns: used by the extension-host tests to look at the real tree. */
export interface EtcdStudioApi {
  tree: ClustersTreeProvider;
  searchResults: SearchResultsProvider;
}

/**
 * Every feature folder of src/vscode, each with `register(services)`; the order is the order of
 * registration. (search registers in activate: its results view is part of the API.)
 */
const FEATURES: ReadonlyArray<{ register(s: Services): void }> = [
  connections,
  explorer,
  editor,
  keys,
  cluster,
  dashboard,
  live,
  leases,
  auth,
  snapshots,
  transfer,
  v2,
  space,
  scripts,
  demo,
];

export function activate(ctx: vscode.ExtensionContext): EtcdStudioApi {
  let services: Services | undefined;
  try {
    const s = (services = createServices(ctx));
    for (const feature of FEATURES) feature.register(s);
    const searchResults = search.register(s);
    s.command(CommandIds.showLog, () => s.channel.show());
    s.log.info(`etcd Studio ${ctx.extension.packageJSON.version} activated`);
    return { tree: s.tree, searchResults };
  } catch (e) {
    // Activation failures are shown and logged with their stack, never swallowed.
    if (services) services.log.error(e instanceof Error ? e : String(e));
    else console.error(e);
    void vscode.window.showErrorMessage(`etcd Studio failed to start: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {
  // Disposables in ctx.subscriptions stop sessions, watches and the demo cluster.
}
