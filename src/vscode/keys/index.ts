/** Keys: open (decoded or hex), new from a template, delete, delete a prefix, rename, history and restore. */
import { Services } from '../services';
import { registerHistoryCommands } from './historyCommands';
import { registerKeyCommands } from './keyCommands';

export function register(s: Services): void {
  registerKeyCommands(s);
  registerHistoryCommands(s);
}
