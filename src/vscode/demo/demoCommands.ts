/** The code of the demo commands, loaded on their first use (index.ts registers them). */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';
import { DemoCluster } from './demoCluster';

export function registerCommands(s: Services): void {
  const demo = new DemoCluster(s.ctx.globalStorageUri, s.store, s.logger('demo'));
  s.ctx.subscriptions.push(demo);
  s.command(CommandIds.startDemoCluster, () => demo.start());
}
