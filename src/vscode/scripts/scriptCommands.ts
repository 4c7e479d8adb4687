/**
 * etcdctl scripts: the language client (diagnostics, completion with live keys, hover, symbols, Run
 * lenses; also live validation of `etcd:` YAML), the active connection in the status bar, the Run
 * commands printing to the "etcd Studio: Script" output channel, and New Transaction (a `txn` script).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { ETCD_DOCUMENT_SCHEME, ETCDCTL_LANGUAGE, ScriptCommandIds } from '../../protocol/scriptProtocol';
import { CommandIds } from '../commands/ids';
import { TargetArg } from '../commands/targets';
import { Services } from '../services';
import { ActiveConnection } from './activeConnection';
import { ScriptRunner } from './scriptRunner';

const TRANSACTION_TEMPLATE = [
  '# A transaction, in the form etcdctl txn reads: compares, a blank line, the operations run when all',
  '# compares hold, a blank line, the operations run otherwise, a blank line. Click "Run" to execute it;',
  '# the output shows SUCCESS or FAILURE and the result of each operation.',
  'txn',
  'mod("/demo/config") = "0"',
  '',
  'put /demo/config "v1"',
  'get /demo/config',
  '',
  'get /demo/config',
  '',
  '',
];

/** The documents the language server serves (its document selector in languageClient.ts): etcdctl scripts, `etcd:` YAML. */
function servedByLanguageServer(doc: vscode.TextDocument): boolean {
  return doc.languageId === ETCDCTL_LANGUAGE || (doc.uri.scheme === ETCD_DOCUMENT_SCHEME && doc.languageId === 'yaml');
}

export function register(s: Services): void {
  const log = s.logger('scripts');
  const active = new ActiveConnection(s.ctx.workspaceState, s.store);
  const output = vscode.window.createOutputChannel('etcd Studio: Script');
  s.ctx.subscriptions.push(active, output);
  const runner = new ScriptRunner(s.connect, active, output, log);

  // The ids live in src/protocol (the server's lenses name them) rather than commands/ids.ts.
  s.command(ScriptCommandIds.runScriptLine, (uri?: string | vscode.Uri, line?: number | { line?: number }) =>
    runner.runLine(uri?.toString(), typeof line === 'number' ? line : line?.line),
  );
  s.command(ScriptCommandIds.runScript, (uri?: string | vscode.Uri) => runner.runAll(uri?.toString()));
  s.command(ScriptCommandIds.selectScriptConnection, async (name?: string) => {
    if (typeof name === 'string') {
      await active.set(name);
      return name;
    }
    return active.pick();
  });

  // An untitled copy, so trying the example never edits the installed file.
  s.command(ScriptCommandIds.openScriptExample, async () => {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(s.ctx.extensionUri, 'examples', 'kubernetes.etcdctl'));
    const doc = await vscode.workspace.openTextDocument({ language: 'etcdctl', content: Buffer.from(bytes).toString('utf8') });
    await vscode.window.showTextDocument(doc);
    return doc.uri.toString();
  });

  s.command(CommandIds.newTransaction, async (arg?: TargetArg) => {
    const connection = await s.targets.connection(arg, 'New transaction on which cluster?');
    if (!connection) return undefined;
    const content = [`# connection: ${connection}`, ...TRANSACTION_TEMPLATE].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'etcdctl', content });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.uri.toString();
  });

  // The language server starts with the first document it serves (an etcdctl script, the YAML of an
  // `etcd:` document), not at activation. Activation never waits for it; failures are shown and logged.
  let started = false;
  const startFor = (doc: vscode.TextDocument) => {
    if (started || !servedByLanguageServer(doc)) return;
    started = true;
    opened.dispose();
    log.info(`starting the language server for ${doc.uri.scheme === 'file' ? doc.fileName : doc.uri.toString()}`);
    import('./languageClient')
      .then(({ startLanguageClient }) => startLanguageClient(s.ctx, s.channel, s.connect, active, log))
      .then(
        (client) => s.ctx.subscriptions.push({ dispose: () => void client.stop() }),
        (e) => {
          log.error(e instanceof Error ? e : String(e));
          void vscode.window
            .showErrorMessage(`etcd Studio: the etcdctl script language server did not start: ${errorMessage(e)}`, 'Show Log')
            .then((c) => c && s.channel.show());
        },
      );
  };
  const opened = vscode.workspace.onDidOpenTextDocument(startFor);
  s.ctx.subscriptions.push(opened);
  vscode.workspace.textDocuments.forEach(startFor);
}
