import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { EtcdStudioApi } from '../../src/extension';
import { childRow as child, rowText as label } from './treeHelpers';

const CONN = 'it-snap';

describe('snapshots: save, status, browse in the tree, compare with live', () => {
  let api: EtcdStudioApi;
  let dir: string;
  let file: string;
  before(async () => {
    api = await vscode.extensions.getExtension<EtcdStudioApi>('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name: CONN,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
    dir = mkdtempSync(path.join(tmpdir(), 'it-snap-'));
    file = path.join(dir, 'cluster.db');
  });
  after(async () => {
    await vscode.commands.executeCommand('etcdStudio.closeSnapshot', file);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves a verified snapshot from the cluster and reads its status', async () => {
    const endpoint = process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',')[0];
    const saved = await vscode.commands.executeCommand<{ file: string; revision: number; totalKey: number }>(
      'etcdStudio.snapshotSave',
      CONN,
      { file, endpoint },
    );
    assert.equal(saved.file, file);
    assert.ok(saved.revision > 1 && saved.totalKey > 80, JSON.stringify(saved));
    const status = await vscode.commands.executeCommand<{ revision: number }>('etcdStudio.snapshotStatus', file);
    assert.equal(status.revision, saved.revision);
  });

  it('opens the snapshot in the tree as a read-only keyspace and opens a Pod from it as YAML', async () => {
    const opened = await vscode.commands.executeCommand<{ keys: number }>('etcdStudio.openSnapshot', file);
    assert.ok(opened.keys > 80);
    const roots = await api.tree.getChildren();
    const snap = roots[(await Promise.all(roots.map(label))).findIndex((l) => l.startsWith('cluster.db'))];
    assert.ok(snap, 'the snapshot is listed in the Clusters view');
    assert.match(await label(snap), /^cluster\.db — snapshot · rev \d+ · \d+ keys · read-only$/);
    const ns = await child(await child(await child(await child(await child(snap, 'Keys'), '/'), 'registry/'), 'pods/'), 'default/');
    const pod = await child(ns, 'web-');
    assert.equal((await pod.getTreeItem()).contextValue, 'snapshot.key');
    await vscode.commands.executeCommand('etcdStudio.openSnapshotKey', pod);
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'etcd-snapshot');
    assert.match(doc.getText(), /^kind: Pod$/m);
  });

  it('compares a key in the snapshot with the live cluster in a diff editor', async () => {
    await vscode.commands.executeCommand(
      'etcdStudio.compareSnapshotKeyWithLive',
      { file, key: '/registry/namespaces/default' },
      { connection: CONN },
    );
    const input = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    assert.ok(input instanceof vscode.TabInputTextDiff);
    assert.equal(input.original.scheme, 'etcd-snapshot');
    assert.equal(input.modified.scheme, 'etcd');
  });
});
