import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'etcd-studio.etcd-studio';

describe('etcd Studio in the extension host', () => {
  let ext: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    ext = found;
    await ext.activate();
  });

  /** Files of the extension's dist/ that the extension host has loaded so far. */
  const loaded = () =>
    Object.keys(require.cache)
      .filter((f) => path.dirname(f) === path.join(ext.extensionPath, 'dist'))
      .map((f) => path.basename(f))
      .sort();

  it('activates', () => {
    assert.equal(ext.isActive, true);
  });

  it('activation loads only dist/extension.js: no etcd client or gRPC, no language client, until they are needed', () => {
    assert.deepEqual(loaded(), ['extension.js']);
  });

  it('contributes the "etcd Studio" view container with the "Clusters" and "Search Results" views and their welcome content', () => {
    const contributes = ext.packageJSON.contributes;
    assert.deepEqual(
      contributes.viewsContainers.activitybar.map((c: { id: string; title: string }) => [c.id, c.title]),
      [['etcdStudio', 'etcd Studio']],
    );
    assert.deepEqual(
      contributes.views.etcdStudio.map((v: { id: string; name: string }) => [v.id, v.name]),
      [
        ['etcdStudio.clusters', 'Clusters'],
        ['etcdStudio.searchResults', 'Search Results'],
      ],
    );
    const welcome = contributes.viewsWelcome.find((w: { view: string }) => w.view === 'etcdStudio.clusters');
    assert.match(welcome.contents, /command:etcdStudio\.addConnection/);
    assert.match(welcome.contents, /command:etcdStudio\.startDemoCluster/);
  });

  it('the workbench knows the view container and the view (they open)', async () => {
    // These commands exist only when VS Code registered the container and the view.
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('workbench.view.extension.etcdStudio'), 'container command registered');
    assert.ok(all.includes('etcdStudio.clusters.focus'), 'view focus command registered');
    await vscode.commands.executeCommand('workbench.view.extension.etcdStudio');
    await vscode.commands.executeCommand('etcdStudio.clusters.focus');
  });

  it('registers every command it contributes', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(contributed.length >= 5);
    const missing = contributed.filter((c) => !all.has(c));
    assert.deepEqual(missing, [], 'contributed commands without a handler');
  });

  it('registers the etcdctl script language for .etcdctl files', async () => {
    assert.ok((await vscode.languages.getLanguages()).includes('etcdctl'));
    const doc = await vscode.workspace.openTextDocument({ language: 'etcdctl', content: 'get /registry/pods --prefix --keys-only\n' });
    assert.equal(doc.languageId, 'etcdctl');
    // The first etcdctl document starts the language client.
    const deadline = Date.now() + 20_000;
    while (!loaded().includes('lazy-languageClient.js') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(loaded().includes('lazy-languageClient.js'), loaded().join(' '));
  });

  it('adds a connection to the real etcd by command arguments and keeps it in settings', async () => {
    const endpoints = process.env.ETCD_STUDIO_TEST_ENDPOINTS?.split(',');
    assert.ok(endpoints?.length, 'the runner passes ETCD_STUDIO_TEST_ENDPOINTS');
    const saved = await vscode.commands.executeCommand('etcdStudio.addConnection', { name: 'it-plain', endpoints });
    assert.deepEqual(saved, { name: 'it-plain', endpoints });
    const list = vscode.workspace.getConfiguration('etcdStudio').get<Array<{ name: string }>>('connections', []);
    assert.ok(list.some((c) => c.name === 'it-plain'));
    await vscode.commands.executeCommand('etcdStudio.removeConnection', 'it-plain');
    const after = vscode.workspace.getConfiguration('etcdStudio').get<Array<{ name: string }>>('connections', []);
    assert.ok(!after.some((c) => c.name === 'it-plain'));
  });

  it('refuses to save a connection to an unreachable endpoint, with an actionable message', async () => {
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('etcdStudio.addConnection', {
          name: 'it-down',
          endpoints: ['http://127.0.0.1:1'],
          dialTimeoutMs: 1000,
          requestTimeoutMs: 1000,
        }),
      ),
      /Cannot reach etcd at http:\/\/127\.0\.0\.1:1/,
    );
    const list = vscode.workspace.getConfiguration('etcdStudio').get<Array<{ name: string }>>('connections', []);
    assert.ok(!list.some((c) => c.name === 'it-down'), 'nothing was saved');
  });
});
