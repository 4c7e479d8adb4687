/** The code of the cluster commands (reports and maintenance), loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import type { ReportKind } from '../../core/etcd/reports';
import { CommandIds } from '../commands/ids';
import { TargetArg } from '../commands/targets';
import { Services } from '../services';
import { registerMaintenanceCommands } from './maintenanceCommands';
import { REPORT_LANGUAGE, REPORT_SCHEME, ReportProvider, reportUri } from './reportProvider';

export function registerCommands(s: Services, reports: ReportProvider): void {
  const openReport =
    (kind: ReportKind, title: string) =>
    async (arg?: TargetArg, opts: { format?: 'table' | 'json' } = {}) => {
      const name = await s.targets.connection(arg, title);
      if (!name) return undefined;
      const opened = await vscode.workspace.openTextDocument(reportUri(name, kind, opts.format));
      // Tables open unwrapped (the etcd-report language turns word wrap off), JSON as JSON.
      const doc = opts.format === 'json' ? opened : await vscode.languages.setTextDocumentLanguage(opened, REPORT_LANGUAGE);
      await vscode.window.showTextDocument(doc, { preview: false });
      return doc.getText();
    };
  s.command(CommandIds.memberList, openReport('members', 'Member list of which cluster?'));
  s.command(CommandIds.endpointHealth, openReport('health', 'Endpoint health of which cluster?'));
  s.command(CommandIds.endpointStatus, openReport('status', 'Endpoint status of which cluster?'));
  s.command(CommandIds.alarmList, openReport('alarms', 'Alarms of which cluster?'));
  s.command(CommandIds.hashKv, openReport('hashkv', 'Hash KV of which cluster?'));
  s.command(CommandIds.refreshReport, async (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme === REPORT_SCHEME) reports.refresh(target);
  });
  s.command(CommandIds.reportAsJson, async (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme !== REPORT_SCHEME) return;
    const json = target.with({ path: target.path.replace(/\.txt$/, '.json') });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(json), { preview: false });
  });
  registerMaintenanceCommands(s);
}
