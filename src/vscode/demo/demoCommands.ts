/** Start Local Demo Cluster: a throw-away etcd with a Kubernetes-shaped keyspace, added as a connection. */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';
import { DemoCluster } from './demoCluster';

export function register(s: Services): void {
  const demo = new DemoCluster(s.ctx.globalStorageUri, s.store, s.logger('demo'));
  s.ctx.subscriptions.push(demo);
  s.command(CommandIds.startDemoCluster, () => demo.start());
}
