/**
 * Leases: the Leases node (leaseNodes.ts) and grant, revoke, keep alive once, put a key with a lease.
 * The commands' code is in leaseCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands(
    [CommandIds.grantLease, CommandIds.revokeLease, CommandIds.keepAliveLease, CommandIds.putWithLease],
    async () => (await import('./leaseCommands')).registerCommands,
  );
}
