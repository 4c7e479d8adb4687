/**
 * The Space feature: "Show Space" on a connection, a prefix, or a snapshot file (tree context menus
 * and the palette) opens the Space webview there (spacePanel.ts). Scripts call it as
 * `(target, { prefix })` with a connection name, `{ connection, prefix }` or `{ file }`, and get back
 * what the view first drew.
 * The commands' code is in spaceCommands.ts, loaded on first use.
 */
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export function register(s: Services): void {
  s.deferCommands([CommandIds.showSpace], async () => (await import('./spaceCommands')).registerCommands);
}
