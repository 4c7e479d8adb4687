/**
 * etcdctl scripts: the language client (diagnostics, completion with live keys, hover, symbols, Run
 * lenses; also live validation of `etcd:` YAML), the active connection in the status bar, the Run
 * commands printing to the "etcd Studio: Script" output channel, and New Transaction (a `txn` script).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { ETCD_DOCUMENT_SCHEME, ETCDCTL_LANGUAGE, ScriptCommandIds } from '../../protocol/scriptProtocol';
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

/** The documents the language server serves (its document selector in languageClient.ts): etcdctl scripts, `etcd:` YAML. */
function servedByLanguageServer(doc: vscode.TextDocument): boolean {
  return doc.languageId === ETCDCTL_LANGUAGE || (doc.uri.scheme === ETCD_DOCUMENT_SCHEME && doc.languageId === 'yaml');
}

/**
 * The commands' code (scriptCommands.ts: the runner, the status bar's connection) loads on first use or
 * with the first document the language server serves, which starts the language client too.
 */
export function register(s: Services): void {
  const log = s.logger('scripts');
  const loaded = s.deferCommands(
    [
      ScriptCommandIds.runScriptLine,
      ScriptCommandIds.runScript,
      ScriptCommandIds.selectScriptConnection,
      ScriptCommandIds.openScriptExample,
      CommandIds.newTransaction,
    ],
    async () => (await import('./scriptCommands')).registerCommands,
  );

  // The language server starts with the first document it serves (an etcdctl script, the YAML of an
  // `etcd:` document), not at activation. Activation never waits for it; failures are shown and logged.
  let started = false;
  const startFor = (doc: vscode.TextDocument) => {
    if (started || !servedByLanguageServer(doc)) return;
    started = true;
    opened.dispose();
    log.info(`starting the language server for ${doc.uri.scheme === 'file' ? doc.fileName : doc.uri.toString()}`);
    Promise.all([loaded(), import('./languageClient')])
      .then(([{ active }, { startLanguageClient }]) => startLanguageClient(s.ctx, s.channel, s.connect, active, log))
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
