import * as vscode from 'vscode';
import type { ReportKind } from '../../core/etcd/reports';
import type { EtcdConnection } from '../../core/etcd/connection';
import { errorMessage } from '../../core/errors';

export const REPORT_SCHEME = 'etcd-report';
/** The language of report documents: a small grammar and word wrap off (package.json), so tables keep their rows. */
export const REPORT_LANGUAGE = 'etcd-report';

/** Tables wider than an editor usually shows say so, and how to see the rest. */
const WIDE = 120;

function wideHint(table: string): string {
  const width = Math.max(0, ...table.split('\n').map((l) => [...l].length));
  return width > WIDE
    ? `\n# This table is ${width} characters wide: scroll right to see every column (Shift + mouse wheel, or End on a row);` +
        '\n# "Show Report as JSON" ({ } in the editor title) lists the same fields one per line.'
    : '';
}

/** `etcd-report:/<connection>/<report>.txt` (or `.json`): read-only documents, refreshed on demand. */
export function reportUri(connection: string, kind: ReportKind, format: 'table' | 'json' = 'table'): vscode.Uri {
  return vscode.Uri.from({
    scheme: REPORT_SCHEME,
    path: `/${encodeURIComponent(connection)}/${kind}.${format === 'json' ? 'json' : 'txt'}`,
  });
}

function parse(uri: vscode.Uri): { connection: string; kind: ReportKind; json: boolean } {
  const [, conn, file] = uri.path.split('/');
  const [kind, ext] = file.split('.');
  return { connection: decodeURIComponent(conn), kind: kind as ReportKind, json: ext === 'json' };
}

export class ReportProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly connect: (name: string) => Promise<EtcdConnection>) {}

  refresh(uri: vscode.Uri): void {
    this.emitter.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { connection, kind, json } = parse(uri);
    // The report builders and the etcdctl printers load with the first report, not at activation.
    const { buildReport, REPORT_TITLES } = await import('../../core/etcd/reports');
    const header = `# etcdctl ${REPORT_TITLES[kind]} — connection "${connection}" — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}\n`;
    try {
      const conn = await this.connect(connection);
      const r = await buildReport(conn, kind);
      return json ? r.json : `${header}# Refresh: the ↻ button in the editor title${wideHint(r.table)}\n\n${r.table}`;
    } catch (e) {
      return json ? JSON.stringify({ error: errorMessage(e) }, null, 2) : `${header}\nError: ${errorMessage(e)}\n`;
    }
  }
}
