import * as vscode from 'vscode';
import { webviewPage } from '../webviewPage';

/** The overview's page: dist/webview/dashboard.js draws it into #root with media/dashboard.css. */
export function overviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, connection: string): string {
  return webviewPage(webview, extensionUri, {
    script: 'dashboard.js',
    style: ['dashboard.css'],
    title: `Cluster Overview: ${connection}`,
    body: '<div id="root"></div>',
  });
}
