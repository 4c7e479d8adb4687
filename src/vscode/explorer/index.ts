/**
 * The Clusters view (its provider and view are shared services, see services.ts): refresh, Load
 * more, Copy Key, Copy as etcdctl Command and Go to Key.
 * The commands' code is in explorerCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands(
    [CommandIds.refresh, CommandIds.loadMore, CommandIds.copyKey, CommandIds.copyAsEtcdctl, CommandIds.goToKey],
    async () => (await import('./explorerCommands')).registerCommands,
  );
}
