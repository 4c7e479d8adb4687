/**
 * Start Local Demo Cluster: a throw-away etcd with a Kubernetes-shaped keyspace, added as a connection.
 * The commands' code is in demoCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands([CommandIds.startDemoCluster], async () => (await import('./demoCommands')).registerCommands);
}
