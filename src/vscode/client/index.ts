import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { errorMessage } from '../../core/errors';
import { Logger } from '../../core/log';
import { ScriptCommandIds } from '../../protocol/scriptProtocol';
import { CommandId } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { ActiveConnection } from './activeConnection';
import { startLanguageClient } from './languageClient';
import { ScriptRunner } from './scriptRunner';

export interface ScriptingDeps {
  log: Logger;
  channel: vscode.LogOutputChannel;
  sessions: Sessions;
  store: ConnectionStore;
}

/**
 * etcdctl scripts: the language client (diagnostics, completion with live keys, hover, symbols, Run
 * lenses; also live validation of `etcd:` YAML), the active connection in the status bar, and the
 * Run commands printing to the "etcd Studio: Script" output channel.
 */
export function registerScripting(ctx: vscode.ExtensionContext, deps: ScriptingDeps): void {
  const { log, channel, sessions, store } = deps;
  const active = new ActiveConnection(ctx.workspaceState, store);
  const output = vscode.window.createOutputChannel('etcd Studio: Script');
  ctx.subscriptions.push(active, output);
  const runner = new ScriptRunner(sessions, active, output, log);

  // The ids live in src/protocol (the server's lenses name them) rather than commands/ids.ts.
  const register = (id: CommandId, fn: (...args: never[]) => unknown) => registerCommand(ctx, log, id, fn);
  register(ScriptCommandIds.runScriptLine, (uri?: string | vscode.Uri, line?: number) => runner.runLine(uri?.toString(), line));
  register(ScriptCommandIds.runScript, (uri?: string | vscode.Uri) => runner.runAll(uri?.toString()));
  register(ScriptCommandIds.selectScriptConnection, async (name?: string) => {
    if (typeof name === 'string') {
      await active.set(name);
      return name;
    }
    return active.pick();
  });

  // An untitled copy, so trying the example never edits the installed file.
  register(ScriptCommandIds.openScriptExample, async () => {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ctx.extensionUri, 'examples', 'kubernetes.etcdctl'));
    const doc = await vscode.workspace.openTextDocument({ language: 'etcdctl', content: Buffer.from(bytes).toString('utf8') });
    await vscode.window.showTextDocument(doc);
    return doc.uri.toString();
  });

  // Activation does not wait for the server; failures are shown and logged, never fatal.
  startLanguageClient(ctx, channel, sessions, active, log).then(
    (client) => ctx.subscriptions.push({ dispose: () => void client.stop() }),
    (e) => {
      log.error(e instanceof Error ? e : String(e));
      void vscode.window
        .showErrorMessage(`etcd Studio: the etcdctl script language server did not start: ${errorMessage(e)}`, 'Show Log')
        .then((c) => c && channel.show());
    },
  );
}
