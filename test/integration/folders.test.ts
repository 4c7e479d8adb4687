import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const CONN = 'it-folders';

/** The keyspace as folders of `etcd:` (what breadcrumbs and the file picker call), through VS Code's own fs API. */
describe('etcd: folders: stat and readDirectory browse the keyspace', () => {
  const uri = (path: string, query = '') => vscode.Uri.from({ scheme: 'etcd', authority: CONN, path, query });
  before(async () => {
    await vscode.extensions.getExtension('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name: CONN,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
  });

  it('lists prefixes as folders and keys as files, from the root down to a namespace', async () => {
    const root = await vscode.workspace.fs.readDirectory(uri('/'));
    assert.deepEqual(
      root.find(([name]) => name === 'registry'),
      ['registry', vscode.FileType.Directory],
    );
    const registry = await vscode.workspace.fs.stat(uri('/registry'));
    assert.equal(registry.type, vscode.FileType.Directory);
    assert.ok(registry.size > 80, `${registry.size} keys under /registry/`);
    const types = await vscode.workspace.fs.readDirectory(uri('/registry'));
    assert.ok(
      types.some(([n, t]) => n === 'pods' && t === vscode.FileType.Directory),
      JSON.stringify(types),
    );
    const ns = await vscode.workspace.fs.readDirectory(uri('/registry/namespaces'));
    assert.ok(ns.length >= 3 && ns.every(([, t]) => t === vscode.FileType.File), JSON.stringify(ns));
    assert.ok(ns.some(([n]) => n === 'default'));
  });

  it('a file picked by path opens the key; the parent of an opened key (which keeps its query) lists its siblings', async () => {
    const picked = uri('/registry/namespaces/default');
    assert.equal((await vscode.workspace.fs.stat(picked)).type, vscode.FileType.File);
    const text = Buffer.from(await vscode.workspace.fs.readFile(picked)).toString('utf8');
    assert.match(text, /^kind: Namespace$/m);

    const key = '/registry/namespaces/default';
    const opened = uri(`${key}.yaml`, `key=${Buffer.from(key).toString('hex')}&view=yaml`);
    const parent = opened.with({ path: '/registry/namespaces' });
    assert.equal((await vscode.workspace.fs.stat(parent)).type, vscode.FileType.Directory);
    assert.ok((await vscode.workspace.fs.readDirectory(parent)).some(([n]) => n === 'default'));
  });

  it('a path with nothing under it is not found', async () => {
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.stat(uri('/no/such/prefix'))),
      (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound',
    );
  });
});
