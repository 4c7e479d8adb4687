import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Etcd3 } from 'etcd3';
import { rawClient } from '../harness/rawClient';
import { decodeValue } from '../../src/core/k8s/codec';

const CONN = 'it-editor';

async function etcd(): Promise<Etcd3> {
  return rawClient({ endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',') });
}

async function podKey(c: Etcd3): Promise<string> {
  const keys = await c.getAll().prefix('/registry/pods/default/web-').keys();
  assert.ok(keys.length > 0, 'the seeded keyspace has web pods');
  return keys[0];
}

/** Waits until VS Code's configuration says the test connection's readOnly is `value` (settings reach the extension host asynchronously). */
async function untilReadOnly(value: boolean | undefined): Promise<void> {
  const now = () =>
    vscode.workspace
      .getConfiguration('etcdStudio')
      .get<Array<{ name: string; readOnly?: boolean }>>('connections')!
      .find((p) => p.name === CONN)?.readOnly;
  for (let i = 0; i < 300 && now() !== value; i++) await new Promise((r) => setTimeout(r, 100));
}

async function replaceInDoc(doc: vscode.TextDocument, from: string, to: string): Promise<void> {
  const text = doc.getText();
  const at = text.indexOf(from);
  assert.ok(at >= 0, `"${from}" in the document`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

describe('etcd: documents (open, edit, save, conflicts, delete-prefix, history)', () => {
  let c: Etcd3;
  before(async () => {
    await vscode.extensions.getExtension('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name: CONN,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
    c = await etcd();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    c.close();
  });

  it("opens a Pod stored as protobuf as YAML; a label edit saves and changes only that field's bytes", async () => {
    const key = await podKey(c);
    const before = (await c.get(key).buffer())!;
    assert.deepEqual([...before.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00], 'stored as k8s protobuf');
    const uri = await vscode.commands.executeCommand<string>('etcdStudio.openKey', { connection: CONN, key });
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.toString(), uri);
    assert.equal(doc.languageId, 'yaml');
    assert.match(doc.getText(), /^kind: Pod$/m);
    assert.match(doc.getText(), /^ {4}app: web$/m);

    await replaceInDoc(doc, '    app: web\n', '    app: web\n    tier: frontend\n');
    assert.equal(await doc.save(), true, 'saved');
    const after = (await c.get(key).buffer())!;
    const decoded = decodeValue(after);
    assert.equal(decoded.format, 'k8s-protobuf');
    assert.deepEqual((decoded as unknown as { object: { metadata: { labels: Record<string, string> } } }).object.metadata.labels, {
      app: 'web',
      'pod-template-hash': '7c9f8d6b5',
      tier: 'frontend',
    });
    // Exactly one labels map entry (tag, length, key "tier", value "frontend": 18 bytes) is inserted;
    // apart from it only the length prefixes of the enclosing messages (raw, metadata) change.
    assert.equal(after.length - before.length, 18, 'one map entry added');
    const at = after.indexOf('tier') - 4;
    assert.equal(after[at], 0x5a, 'a labels entry (ObjectMeta field 11) starts there');
    const differing: number[] = [];
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i < at ? i : i + 18]) differing.push(i);
    assert.ok(differing.length <= 3 && differing.every((i) => i < at), `only length prefixes before the entry differ: ${differing}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('saving an unchanged document writes nothing', async () => {
    const key = await podKey(c);
    const rev = (await c.get(key).exec()).kvs[0].mod_revision;
    await vscode.commands.executeCommand('etcdStudio.openKey', { connection: CONN, key });
    const doc = vscode.window.activeTextEditor!.document;
    // Change and change back: the document is dirty but its content equals the stored value.
    await replaceInDoc(doc, 'kind: Pod', 'kind: Pods');
    await replaceInDoc(doc, 'kind: Pods', 'kind: Pod');
    assert.equal(doc.isDirty, true);
    assert.equal(await doc.save(), true);
    assert.equal((await c.get(key).exec()).kvs[0].mod_revision, rev, 'no new revision');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a second writer between open and save makes the save fail, and nothing is lost', async () => {
    const key = '/registry/configmaps/default/web-config';
    await vscode.commands.executeCommand('etcdStudio.openKey', { connection: CONN, key });
    const doc = vscode.window.activeTextEditor!.document;
    // Someone else changes the ConfigMap (kubectl, the API server…).
    const theirs = (await c.get(key).buffer())!;
    const theirText = (decodeValue(theirs) as { object: Record<string, unknown> }).object;
    await c.put(key).value(Buffer.concat([theirs])); // same bytes, new revision: still a concurrent write
    const theirRev = (await c.get(key).exec()).kvs[0].mod_revision;
    await replaceInDoc(doc, 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
    const saved = await doc.save();
    assert.equal(saved, false, 'the save was refused');
    assert.equal(doc.isDirty, true, 'my edit is still in the editor');
    assert.match(doc.getText(), /LOG_LEVEL: debug/);
    const now = await c.get(key).exec();
    assert.equal(now.kvs[0].mod_revision, theirRev, 'their write stands');
    assert.deepEqual((decodeValue(now.kvs[0].value) as { object: Record<string, unknown> }).object, theirText);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('an invalid edit is refused with the path and line; nothing is written', async () => {
    const key = await podKey(c);
    const rev = (await c.get(key).exec()).kvs[0].mod_revision;
    await vscode.commands.executeCommand('etcdStudio.openKey', { connection: CONN, key });
    const doc = vscode.window.activeTextEditor!.document;
    await replaceInDoc(doc, 'containerPort: 8080', 'containerPort: eighty');
    assert.equal(await doc.save(), false);
    assert.equal((await c.get(key).exec()).kvs[0].mod_revision, rev);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('delete-prefix removes exactly the counted keys', async () => {
    for (let i = 0; i < 5; i++) await c.put(`/it/del/k${i}`).value('x');
    await c.put('/it/keep').value('y');
    const deleted = await vscode.commands.executeCommand<number>(
      'etcdStudio.deletePrefix',
      { connection: CONN, prefix: '/it/del/' },
      { expectedCount: 5 },
    );
    assert.equal(deleted, 5);
    assert.equal((await c.getAll().prefix('/it/del/').keys()).length, 0);
    assert.equal(await c.get('/it/keep').string(), 'y');
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('etcdStudio.deletePrefix', { connection: CONN, prefix: '/it/' }, { expectedCount: 99 }),
      ),
      /Expected 99 keys under \/it\/ but there are 1; nothing was deleted/,
    );
  });

  it('history lists the revisions; diff and revision documents show the right values; restore writes the old one', async () => {
    const key = '/it/history';
    for (const v of ['alpha\n', 'beta\n', 'gamma\n']) await c.put(key).value(v);
    const revs = await vscode.commands.executeCommand<number[]>('etcdStudio.showHistory', { connection: CONN, key });
    assert.equal(revs.length, 3);
    await vscode.commands.executeCommand('etcdStudio.compareRevisions', { connection: CONN, key }, { left: revs[2] });
    const tabs = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    assert.ok(tabs instanceof vscode.TabInputTextDiff, 'a diff editor opened');
    assert.equal((await vscode.workspace.openTextDocument(tabs.original)).getText(), 'alpha\n');
    assert.equal((await vscode.workspace.openTextDocument(tabs.modified)).getText(), 'gamma\n');
    await vscode.commands.executeCommand('etcdStudio.restoreRevision', { connection: CONN, key }, { revision: revs[1], confirmed: true });
    assert.equal(await c.get(key).string(), 'beta\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"readOnly": true typed into settings.json reaches the open connection: the next save is refused and nothing is written', async () => {
    const key = '/it/read-only/setting';
    await c.put(key).value('before\n');
    await vscode.commands.executeCommand('etcdStudio.openKey', { connection: CONN, key });
    const doc = vscode.window.activeTextEditor!.document;
    const rev = (await c.get(key).exec()).kvs[0].mod_revision;

    // The user opens their settings.json, adds "readOnly": true to the connection and saves.
    await vscode.commands.executeCommand('workbench.action.openSettingsJson');
    // on a busy machine the settings editor becomes the active one a moment after the command resolves
    for (let i = 0; i < 200 && !vscode.window.activeTextEditor?.document.uri.path.endsWith('/settings.json'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const editor = vscode.window.activeTextEditor!;
    const settings = editor.document;
    assert.ok(settings.uri.path.endsWith('/settings.json'), `the user's settings.json is open (not ${settings.uri.toString()})`);
    const json = JSON.parse(settings.getText()) as { 'etcdStudio.connections': Array<Record<string, unknown>> };
    json['etcdStudio.connections'] = json['etcdStudio.connections'].map((p) => (p.name === CONN ? { ...p, readOnly: true } : p));
    const all = new vscode.Range(settings.positionAt(0), settings.positionAt(settings.getText().length));
    assert.ok(await editor.edit((b) => b.replace(all, JSON.stringify(json, null, 2))), 'settings.json edited');
    await vscode.commands.executeCommand('workbench.action.files.save');
    for (let i = 0; i < 200 && settings.isDirty; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(settings.isDirty, false, 'settings.json saved');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await untilReadOnly(true);
    const profile = vscode.workspace
      .getConfiguration('etcdStudio')
      .get<Array<{ name: string; readOnly?: boolean }>>('connections')!
      .find((p) => p.name === CONN);
    assert.equal(profile?.readOnly, true, 'VS Code read the edited settings.json');
    await vscode.window.showTextDocument(doc);
    await replaceInDoc(doc, 'before', 'after');
    assert.equal(await doc.save(), false, 'the save is refused');
    assert.equal((await c.get(key).exec()).kvs[0].mod_revision, rev, 'nothing was written');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('etcdStudio.deleteKey', { connection: CONN, key }, { confirmed: true })),
      /"it-editor" is read-only: deleting a key is not allowed/,
    );
    assert.equal((await c.get(key).exec()).kvs[0].mod_revision, rev, 'not deleted either');

    // Back to writable (by the settings API this time): the edit still in the editor saves.
    const cfg = vscode.workspace.getConfiguration('etcdStudio');
    await cfg.update(
      'connections',
      cfg.get<Array<Record<string, unknown>>>('connections')!.map((p) => (p.name === CONN ? { ...p, readOnly: undefined } : p)),
      vscode.ConfigurationTarget.Global,
    );
    await untilReadOnly(undefined);
    assert.equal(await doc.save(), true, 'writable again');
    assert.equal(await c.get(key).string(), 'after\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
