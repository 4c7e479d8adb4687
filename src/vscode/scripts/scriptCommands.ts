/** The code of the script commands and the status bar's active connection, loaded on first use (index.ts). */
import * as vscode from 'vscode';
import { ScriptCommandIds } from '../../protocol/scriptProtocol';
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

/** Registers the script commands; returns the active connection (the language client completes keys on it). */
export function registerCommands(s: Services): { active: ActiveConnection } {
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

  return { active };
}
