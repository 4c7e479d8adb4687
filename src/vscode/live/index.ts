/**
 * Live debugging: watches streaming to their own output channels, the change recorder (Show / Export
 * Changes) and the Kubernetes events of an object.
 * The commands' code is in liveCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands(
    [
      CommandIds.watch,
      CommandIds.stopWatch,
      CommandIds.startRecording,
      CommandIds.stopRecording,
      CommandIds.showChanges,
      CommandIds.exportChanges,
      CommandIds.showEvents,
    ],
    async () => (await import('./liveCommands')).registerCommands,
  );
}
