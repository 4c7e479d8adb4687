/**
 * The Cluster Overview: one live dashboard per connection (opening it again reveals the open one);
 * panels come back after a window reload. The page is src/webview/dashboard, its messages
 * src/protocol/dashboardProtocol.ts, what it shows is computed in src/core/dashboard. The panel's code
 * (dashboardCommands.ts, overviewPanel.ts) loads with the first panel shown or restored.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export const OVERVIEW_VIEW_TYPE = 'etcdStudio.overview';

export function register(s: Services): void {
  const loaded = s.deferCommands([CommandIds.showOverview], async () => (await import('./dashboardCommands')).registerCommands);
  s.ctx.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(OVERVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (webview: vscode.WebviewPanel, state: unknown) => (await loaded()).restore(webview, state),
    }),
  );
}
