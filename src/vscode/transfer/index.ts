/**
 * Export Keys… and Import Keys…: a prefix (or a whole connection) to a JSON-lines or YAML file, and a file
 * into a cluster after a dry run whose counts the user confirms. Core does the work (core/transfer).
 * The commands' code is in transferCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands([CommandIds.exportKeys, CommandIds.importKeys], async () => (await import('./transferCommands')).registerCommands);
}
