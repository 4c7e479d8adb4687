/** The code of the transfer commands, loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import type { ImportMode, ImportPlan, ImportResult, TransferFormat, ExportResult } from '../../core/transfer';
import { EtcdStudioError } from '../../core/errors';
import { keyToText } from '../../core/keytree/keyText';
import { CommandIds } from '../commands/ids';
import { targetOf, TargetArg } from '../commands/targets';
import { withCancellableProgress } from '../platform/progress';
import { Services } from '../services';

export interface ExportArgs {
  file?: string;
  format?: TransferFormat;
}

export interface ImportArgs {
  file?: string;
  mode?: ImportMode;
  leases?: 'recreate' | 'drop';
  /** Only count what would happen (returns the plan). */
  dryRun?: boolean;
  /** Skip the confirmation (scripts that checked the plan). */
  confirmed?: boolean;
}

/** The prefix a transfer command acts on: a prefix node, or a connection (its configured prefix, else everything). */
async function prefixTarget(s: Services, arg: TargetArg, title: string): Promise<{ connection: string; prefix: Buffer } | undefined> {
  const t = targetOf(arg);
  if (t?.kind === 'prefix') return { connection: t.connection, prefix: t.prefix };
  // Anything else than a connection (a key, a snapshot) is refused with what to pass instead.
  if (t && t.kind !== 'connection') return s.targets.prefix(arg, title);
  const connection = await s.targets.connection(arg, title);
  if (!connection) return undefined;
  return { connection, prefix: Buffer.from(s.store.get(connection)?.prefix ?? '') };
}

function fileName(prefix: Buffer, format: TransferFormat): string {
  const base =
    keyToText(prefix)
      .replace(/^\/+|\/+$/g, '')
      .replace(/[^\w.-]+/g, '_') || 'etcd';
  return `${base}.${format === 'yaml' ? 'yaml' : 'jsonl'}`;
}

const MODES: { label: string; description: string; mode: ImportMode }[] = [
  { label: 'Skip existing keys', description: 'create missing keys, leave keys that exist as they are', mode: 'skip' },
  { label: 'Overwrite existing keys', description: 'write every key of the file; keys only in the cluster stay', mode: 'overwrite' },
  { label: 'Fail if any key exists', description: 'write nothing if one key of the file is already there', mode: 'fail' },
];

export function registerCommands(s: Services): void {
  s.command(CommandIds.exportKeys, async (arg?: TargetArg, opts: ExportArgs = {}): Promise<ExportResult | undefined> => {
    const title = 'Export Keys';
    const t = await prefixTarget(s, arg, title);
    if (!t) return undefined;
    const shown = keyToText(t.prefix) || '(every key)';
    let file = opts.file;
    let format = opts.format;
    if (!file) {
      const picked = await vscode.window.showSaveDialog({
        title: `Export ${shown} from "${t.connection}"`,
        defaultUri: vscode.Uri.joinPath(
          vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()),
          fileName(t.prefix, 'jsonl'),
        ),
        filters: { 'JSON lines (exact bytes)': ['jsonl'], 'YAML (Kubernetes objects decoded)': ['yaml', 'yml'] },
      });
      if (!picked) return undefined;
      file = picked.fsPath;
    }
    format ??= /\.ya?ml$/i.test(file) ? 'yaml' : 'jsonl';
    const { exportToFile } = await import('../../core/transfer');
    const conn = await s.connect(t.connection);
    const r = await withCancellableProgress(`Exporting ${shown} from "${t.connection}"`, (signal, report) =>
      exportToFile(conn, t.prefix, file!, { format, signal, onProgress: (done, total) => report(`${done} / ${total} keys`) }),
    );
    if (!opts.file) {
      const open = await vscode.window.showInformationMessage(
        `Exported ${r.keys} keys under ${shown} at revision ${r.revision} to ${file}.`,
        'Open File',
      );
      if (open) await vscode.window.showTextDocument(vscode.Uri.file(file));
    }
    return r;
  });

  s.command(CommandIds.importKeys, async (arg?: TargetArg, opts: ImportArgs = {}): Promise<ImportPlan | ImportResult | undefined> => {
    const title = 'Import Keys';
    const t = await prefixTarget(s, arg, title);
    if (!t) return undefined;
    const conn = await s.connect(t.connection);
    if (!opts.dryRun) conn.assertWritable('importing keys');
    let file = opts.file;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        title: `Import keys into "${t.connection}"`,
        canSelectMany: false,
        filters: { 'etcd Studio export': ['jsonl', 'json', 'yaml', 'yml'], 'All files': ['*'] },
      });
      file = picked?.[0]?.fsPath;
      if (!file) return undefined;
    }
    const mode = opts.mode ?? (await vscode.window.showQuickPick(MODES, { title: `${title}: keys that already exist` }))?.mode;
    if (!mode) return undefined;
    const { describePlan, fileSource, importKeys, planImport } = await import('../../core/transfer');
    const source = fileSource(file);
    const options = { mode, leases: opts.leases };
    const plan = await withCancellableProgress(`Comparing ${file} with "${t.connection}"`, (signal, report) =>
      planImport(conn, source, { ...options, signal, onProgress: (done) => report(`${done} keys compared`) }),
    );
    if (opts.dryRun) return plan;
    if (mode === 'fail' && plan.exists)
      throw new EtcdStudioError(
        'Conflict',
        `${plan.exists} key(s) of the file already exist in "${t.connection}" (${plan.existingKeys.slice(0, 3).join(', ')}); nothing was written.`,
      );
    const writes = plan.create + plan.overwrite;
    if (!writes) {
      if (!opts.confirmed) void vscode.window.showInformationMessage(`Nothing to import: ${describePlan(plan, t.connection)}`);
      return {
        created: 0,
        overwritten: 0,
        unchanged: plan.unchanged,
        skipped: plan.skip,
        leasesGranted: 0,
        txns: 0,
        revision: plan.revision,
      };
    }
    if (!opts.confirmed) {
      const action = `Write ${writes} keys`;
      const ok = await vscode.window.showWarningMessage(
        `Write ${writes} keys from ${file} into "${t.connection}"?`,
        {
          modal: true,
          detail: `${describePlan(plan, t.connection)}\nNothing is deleted; written keys get new revisions. Transactions of at most 128 keys, each refused if one of its keys changed since this comparison (then compared again).`,
        },
        action,
      );
      if (ok !== action) return undefined;
    }
    const r = await withCancellableProgress(`Importing into "${t.connection}"`, (signal, report) =>
      importKeys(conn, source, { ...options, signal, onProgress: (done) => report(`${done} / ${plan.total} keys`) }),
    );
    s.refreshTree();
    if (!opts.confirmed)
      void vscode.window.showInformationMessage(
        `Imported into "${t.connection}": ${r.created} created, ${r.overwritten} overwritten, ${r.unchanged} unchanged, ${r.skipped} skipped (${r.txns} transactions).`,
      );
    return r;
  });
}
