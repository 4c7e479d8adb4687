/**
 * The Cluster Overview: one live dashboard per connection (opening it again reveals the open one);
 * panels come back after a window reload. The page is src/webview/dashboard, its messages
 * src/protocol/dashboardProtocol.ts, what it shows is computed in src/core/dashboard.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { TargetArg } from '../commands/targets';
import { Services } from '../services';
import { OVERVIEW_VIEW_TYPE, OverviewPanel } from './overviewPanel';

export function register(s: Services): void {
  const panels = new Map<string, OverviewPanel>();
  const deps = { connect: s.connect, log: s.logger('dashboard'), extensionUri: s.ctx.extensionUri };
  const track = (p: OverviewPanel) => {
    panels.set(p.connection, p);
    p.onDidDispose(() => panels.get(p.connection) === p && panels.delete(p.connection));
    return p;
  };
  s.ctx.subscriptions.push({ dispose: () => [...panels.values()].forEach((p) => p.dispose()) });

  s.command(CommandIds.showOverview, async (arg?: TargetArg) => {
    const name = await s.targets.connection(arg, 'Cluster Overview of which connection?');
    if (!name) return undefined;
    let panel = panels.get(name);
    if (panel) panel.reveal();
    else {
      const webview = vscode.window.createWebviewPanel(OVERVIEW_VIEW_TYPE, `Overview: ${name}`, vscode.ViewColumn.Active, {
        retainContextWhenHidden: false,
      });
      panel = track(new OverviewPanel(name, webview, deps));
    }
    return panel.whenShown();
  });

  s.ctx.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(OVERVIEW_VIEW_TYPE, {
      async deserializeWebviewPanel(webview: vscode.WebviewPanel, state: unknown) {
        const name = (state as { connection?: string } | undefined)?.connection ?? webview.title.replace(/^Overview: /, '');
        if (!s.store.get(name)) {
          webview.dispose();
          return;
        }
        track(new OverviewPanel(name, webview, deps));
      },
    }),
  );
}
