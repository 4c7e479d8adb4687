/**
 * Connections: add, import, edit, test, connect, disconnect and remove the profiles in settings.
 * The commands' code is in connectionCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands(
    [
      CommandIds.addConnection,
      CommandIds.importConnection,
      CommandIds.editConnection,
      CommandIds.removeConnection,
      CommandIds.testConnection,
      CommandIds.connect,
      CommandIds.disconnect,
    ],
    async () => (await import('./connectionCommands')).registerCommands,
  );
}
