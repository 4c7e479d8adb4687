/**
 * Keys: open (decoded or hex), new from a template, delete, delete a prefix, rename, history and restore.
 * The commands' code (keyCommands.ts, historyCommands.ts) loads on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands(
    [CommandIds.openKey, CommandIds.openKeyAsHex, CommandIds.newKey, CommandIds.deleteKey, CommandIds.deletePrefix, CommandIds.renameKey],
    async () => (await import('./keyCommands')).registerKeyCommands,
  );
  s.deferCommands(
    [CommandIds.showHistory, CommandIds.compareRevisions, CommandIds.restoreRevision],
    async () => (await import('./historyCommands')).registerHistoryCommands,
  );
}
