import * as vscode from 'vscode';
import type { EtcdConnection } from '../../core/etcd/connection';
import { EtcdStudioError } from '../../core/errors';
import { Logger, redact } from '../../core/log';
import { executeAll, ExecResult } from '../../core/script/execute';
import { commandAt, parseScript } from '../../core/script/parse';
import { commandLabel, ScriptCommand } from '../../core/script/types';
import { ActiveConnection } from './activeConnection';

/** What a run returns to programmatic callers (tests, other commands). */
export interface ScriptRunResult {
  connection: string;
  results: (ExecResult & { line: number; command: string })[];
  ok: boolean;
}

/**
 * Runs script commands on the script's connection and prints what etcdctl would print to the
 * "etcd Studio: Script" output channel, each preceded by the command and where it ran.
 */
export class ScriptRunner {
  constructor(
    private readonly connect: (name: string) => Promise<EtcdConnection>,
    private readonly active: ActiveConnection,
    private readonly output: vscode.OutputChannel,
    private readonly log: Logger,
  ) {}

  private async document(uri?: string): Promise<{ doc: vscode.TextDocument; line: number }> {
    const editor = vscode.window.activeTextEditor;
    if (!uri) {
      if (!editor) throw new EtcdStudioError('InvalidArgument', 'Open an .etcdctl script first.');
      return { doc: editor.document, line: editor.selection.active.line };
    }
    const doc =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ??
      (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)));
    return { doc, line: editor?.document === doc ? editor.selection.active.line : 0 };
  }

  /** Runs the command on `line` (default: the cursor's). */
  async runLine(uri?: string, line?: number): Promise<ScriptRunResult | undefined> {
    const { doc, line: cursor } = await this.document(uri);
    const script = parseScript(doc.getText());
    const cmd = commandAt(script, line ?? cursor);
    if (!cmd) throw new EtcdStudioError('InvalidArgument', `There is no command on line ${(line ?? cursor) + 1}.`);
    return this.run(doc, [cmd], script.connection?.name);
  }

  /** Runs every command of the script in order, stopping at the first failure. */
  async runAll(uri?: string): Promise<ScriptRunResult | undefined> {
    const { doc } = await this.document(uri);
    const script = parseScript(doc.getText());
    if (script.commands.length === 0) throw new EtcdStudioError('InvalidArgument', 'The script has no commands.');
    return this.run(doc, script.commands, script.connection?.name);
  }

  private async run(doc: vscode.TextDocument, cmds: ScriptCommand[], named: string | undefined): Promise<ScriptRunResult | undefined> {
    const name = await this.active.forDocument(doc, named);
    if (!name) return undefined;
    const file = vscode.workspace.asRelativePath(doc.uri);
    const results: ScriptRunResult['results'] = [];
    this.output.show(true);
    const location = cmds.length > 1 ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    const outcome = await vscode.window.withProgress(
      { location, title: `etcdctl on ${name}`, cancellable: cmds.length > 1 },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const conn = await this.connect(name);
        return executeAll(conn, cmds, {
          signal: abort.signal,
          onStart: (cmd, i) => {
            progress.report({ message: `${i + 1}/${cmds.length}: ${commandLabel(cmd)}`, increment: 100 / cmds.length });
            // A copied line may carry --password or --user name:secret (ignored here, but never echoed).
            this.output.appendLine(redact(`$ etcdctl ${commandLabel(cmd)}    # ${name} · ${file}:${cmd.startLine + 1}`));
          },
          onResult: (cmd, r) => {
            results.push({ ...r, line: cmd.startLine, command: redact(commandLabel(cmd)) });
            this.output.append(r.stdout);
            if (r.stderr) this.output.append(r.stderr);
            this.output.appendLine('');
          },
        });
      },
    );
    const failed = results.find((r) => !r.ok);
    if (failed) {
      this.log.warn(`script ${file}:${failed.line + 1} on "${name}" failed: ${failed.stderr.trim()}`);
      const skipped = cmds.length - outcome.ran;
      const message = `etcdctl ${failed.command} (line ${failed.line + 1}) ${failed.skipped ? 'was not run' : 'failed'}: ${
        failed.stderr
          .replace(/^(Error|Not run): ?/, '')
          .trim()
          .split('\n')[0]
      }${skipped ? ` ${skipped} later command(s) not run.` : ''}`;
      void vscode.window.showWarningMessage(message, 'Show Output').then((c) => c && this.output.show());
    } else if (!outcome.ok) {
      this.output.appendLine(`# cancelled after ${outcome.ran} of ${cmds.length} command(s)`);
    }
    return { connection: name, results, ok: outcome.ok };
  }
}
