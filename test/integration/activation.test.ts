import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { EtcdStudioApi } from '../../src/extension';
import { rowText } from './treeHelpers';

const EXTENSION_ID = 'etcd-studio.etcd-studio';

describe('etcd Studio in the extension host', () => {
  let ext: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    ext = found;
    await ext.activate();
  });

  const api = () => ext.exports as EtcdStudioApi;

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

  it('dist/extension.js holds no heavy code: YAML, the Kubernetes codec, tweetnacl, the script parser, gRPC sit in lazy files', () => {
    const text = readFileSync(path.join(ext.extensionPath, 'dist', 'extension.js'), 'utf8');
    // Text each heavy module carries (messages and property names survive minifying).
    const markers = {
      yaml: 'Implicit map keys need to be',
      'the Kubernetes codec': 'is required to choose the protobuf type',
      tweetnacl: 'bad nonce size',
      'the etcdctl script parser': 'disable transport security for client connections',
      gRPC: 'ChannelCredentials',
    };
    for (const [what, marker] of Object.entries(markers)) {
      assert.ok(!text.includes(marker), `dist/extension.js contains ${what} ("${marker}")`);
    }
    assert.ok(text.length < 150_000, `dist/extension.js is ${text.length} bytes`);
  });

  // A connection saved in settings, as a user has it before the first connection of the session.
  const NAME = 'it-startup';
  const saveConnections = async (list: Array<{ name: string; endpoints?: string[] }>) =>
    vscode.workspace.getConfiguration('etcdStudio').update('connections', list, vscode.ConfigurationTarget.Global);
  const savedOthers = () =>
    vscode.workspace
      .getConfiguration('etcdStudio')
      .get<Array<{ name: string }>>('connections', [])
      .filter((c) => c.name !== NAME);
  after(() => saveConnections(savedOthers()));

  it('the Clusters view lists the saved connections with only dist/extension.js loaded', async () => {
    await saveConnections([...savedOthers(), { name: NAME, endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',') }]);
    const rows = await Promise.all((await api().tree.getChildren()).map(rowText));
    assert.ok(
      rows.some((r) => r.startsWith(NAME)),
      JSON.stringify(rows),
    );
    assert.deepEqual(loaded(), ['extension.js']);
  });

  it('a command loads its own file on first use (and not the etcd client), then works', async () => {
    const text = await vscode.commands.executeCommand('etcdStudio.copyAsEtcdctl', { connection: NAME, key: '/startup/a' });
    assert.match(String(text), /etcdctl .*get .*\/startup\/a/);
    assert.deepEqual(loaded(), ['extension.js', 'lazy-explorerCommands.js']);
    assert.equal(await vscode.env.clipboard.readText(), text);
  });

  it('expanding a connection loads the etcd client and gRPC (one file, shared with the KMS plugin client) and lists the cluster', async () => {
    const node = (await api().tree.getChildren()).find((n) => n.target?.kind === 'connection' && n.target.connection === NAME);
    assert.ok(node);
    const rows = await Promise.all((await node.getChildren()).map(rowText));
    assert.deepEqual(
      rows.map((r) => r.split(' — ')[0]),
      ['Members', 'Keys', 'v2 keyspace', 'Leases', 'Auth'],
    );
    for (const file of ['lazy-connectionChildren.js', 'lazy-etcd3Adapter.js', 'lazy-grpc.js'])
      assert.ok(loaded().includes(file), loaded().join(' '));
    for (const file of ['lazy-etcd3Adapter.js', 'lazy-kmsPlugin.js']) {
      const text = readFileSync(path.join(ext.extensionPath, 'dist', file), 'utf8');
      assert.ok(!text.includes('ChannelCredentials'), `${file} bundles gRPC instead of requiring lazy-grpc.js`);
    }
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
