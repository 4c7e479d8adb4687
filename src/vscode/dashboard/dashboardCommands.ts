/** The code of Show Cluster Overview and of panels restored after a reload, loaded on first use (index.ts). */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { TargetArg } from '../commands/targets';
import { Services } from '../services';
import { OverviewPanel } from './overviewPanel';
import { OVERVIEW_VIEW_TYPE } from '.';

/** Registers Show Cluster Overview; returns how a panel VS Code restores after a window reload comes back. */
export function registerCommands(s: Services): { restore(webview: vscode.WebviewPanel, state: unknown): void } {
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

  return {
    restore(webview, state) {
      const name = (state as { connection?: string } | undefined)?.connection ?? webview.title.replace(/^Overview: /, '');
      if (!s.store.get(name)) {
        webview.dispose();
        return;
      }
      track(new OverviewPanel(name, webview, deps));
    },
  };
}
