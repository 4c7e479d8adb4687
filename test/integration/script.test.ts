import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Etcd3 } from 'etcd3';
import { rawClient } from '../harness/rawClient';

const CONN = 'it-script';

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('etcdctl scripts (language server, Run lenses, live validation of etcd: YAML)', () => {
  let c: Etcd3;
  before(async () => {
    await vscode.extensions.getExtension('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name: CONN,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
    assert.equal(await vscode.commands.executeCommand('etcdStudio.selectScriptConnection', CONN), CONN);
    c = rawClient({ endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',') });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    await c.delete().prefix('/it/script/');
    c.close();
  });

  it('completes keys from the real etcd, and runs a put through its code lens', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'etcdctl',
      content: 'get /registry/\nput /it/script/k "from a script"\nget /it/script/k\n',
    });
    await vscode.window.showTextDocument(doc);
    const labels = await until('key completions', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        new vscode.Position(0, 14),
      );
      const l = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return l.includes('pods/') ? l : undefined;
    });
    assert.ok(labels.includes('configmaps/'), labels.join(' '));

    const lenses = await until('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return l.length >= 4 ? l : undefined;
    });
    const put = lenses.find((l) => l.range.start.line === 1 && l.command?.command === 'etcdStudio.runScriptLine')!;
    assert.ok(put, lenses.map((l) => l.command?.title).join(', '));
    const result = await vscode.commands.executeCommand<{ ok: boolean; connection: string; results: { stdout: string }[] }>(
      put.command!.command,
      ...put.command!.arguments!,
    );
    assert.equal(result.connection, CONN);
    assert.equal(result.ok, true);
    assert.equal(result.results[0].stdout, 'OK\n');
    assert.equal(await c.get('/it/script/k').string(), 'from a script');

    const all = await vscode.commands.executeCommand<{ ok: boolean; results: { stdout: string }[] }>(
      'etcdStudio.runScript',
      doc.uri.toString(),
    );
    assert.equal(all.ok, true);
    assert.equal(all.results[2].stdout, '/it/script/k\nfrom a script\n');
    // An untitled document left open would make closeAllEditors ask to save it.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('opens the example script as an untitled etcdctl document', async () => {
    const uri = await vscode.commands.executeCommand<string>('etcdStudio.openScriptExample');
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.toString(), uri);
    assert.equal(doc.languageId, 'etcdctl');
    assert.match(doc.getText(), /^# connection: local-demo$/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('shows parse errors as diagnostics', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'etcdctl', content: 'gett /x\n' });
    const diags = await until('script diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length ? d : undefined;
    });
    assert.match(diags[0].message, /unknown command "gett". Did you mean "get"\?/);
  });

  it('a schema error typed into an etcd: YAML document shows as a diagnostic before any save', async () => {
    await vscode.commands.executeCommand('etcdStudio.openKey', { connection: CONN, key: '/registry/configmaps/default/web-config' });
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.languageId, 'yaml');
    const at = doc.getText().indexOf('kind: ConfigMap');
    assert.ok(at >= 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(at + 'kind: ConfigMap'.length), '\nspecc: {}');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diags = await until('YAML diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length ? d : undefined;
    });
    assert.match(diags[0].message, /specc: unknown field "specc"/);
    assert.equal(diags[0].range.start.line, doc.getText().split('\n').indexOf('specc: {}'));
    assert.equal(doc.isDirty, true, 'nothing was saved');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
