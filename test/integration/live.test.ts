import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Etcd3 } from 'etcd3';
import { rawClient } from '../harness/rawClient';
import { encodeObject } from '../../src/core/k8s/codec';

const CONN = 'it-live';

describe('live debugging: recorder, events, leases, watch; snapshot restore', () => {
  let c: Etcd3;
  let dir: string;
  before(async () => {
    await vscode.extensions.getExtension('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name: CONN,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
    c = rawClient({ endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',') });
    dir = mkdtempSync(path.join(tmpdir(), 'it-live-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records the changes made while a Pod and its Event are created, and shows the Pod's events", async () => {
    const since = await vscode.commands.executeCommand<number>('etcdStudio.startRecording', CONN);
    assert.ok(since > 0);
    const podKey = '/registry/pods/default/it-live-pod';
    await vscode.commands.executeCommand('etcdStudio.newKey', CONN, { key: podKey, template: 'Pod' });
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'it-live-pod.17f0aa01', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'it-live-pod', apiVersion: 'v1' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/it-live-pod to worker-1',
      type: 'Normal',
      count: 1,
      firstTimestamp: '2026-11-22T01:00:00Z',
      lastTimestamp: '2026-11-22T01:00:00Z',
      source: { component: 'default-scheduler' },
    };
    await c.put('/registry/events/default/it-live-pod.17f0aa01').value(Buffer.from(encodeObject(event)));

    const changes = await vscode.commands.executeCommand<{ counts: { created: number }; keys: Array<{ key: string; change: string }> }>(
      'etcdStudio.showChanges',
      CONN,
    );
    assert.deepEqual(
      changes.keys
        .filter((k) => k.key.includes('it-live-pod'))
        .map((k) => [k.key, k.change])
        .sort(),
      [
        ['/registry/events/default/it-live-pod.17f0aa01', 'created'],
        ['/registry/pods/default/it-live-pod', 'created'],
      ],
    );
    const md = vscode.window.activeTextEditor!.document;
    assert.equal(md.languageId, 'markdown');
    assert.match(md.getText(), /it-live-pod/);

    const events = await vscode.commands.executeCommand<Array<{ reason: string; message: string }>>('etcdStudio.showEvents', {
      connection: CONN,
      key: podKey,
    });
    assert.deepEqual(
      events.map((e) => e.reason),
      ['Scheduled'],
    );
    assert.match(
      vscode.window.activeTextEditor!.document.getText(),
      /\| Normal \| Scheduled \| Successfully assigned default\/it-live-pod to worker-1 \| 1 \|/,
    );
    const exported = await vscode.commands.executeCommand<string>('etcdStudio.exportChanges', CONN, {
      since,
      format: 'json',
      file: path.join(dir, 'changes.json'),
    });
    assert.ok(existsSync(exported));
  });

  it('grants a lease, attaches a key, and revoking it deletes exactly that key', async () => {
    const lease = await vscode.commands.executeCommand<{ id: string; ttl: number }>('etcdStudio.grantLease', CONN, { ttl: 120 });
    assert.match(lease.id, /^[0-9a-f]+$/);
    await vscode.commands.executeCommand(
      'etcdStudio.putWithLease',
      { connection: CONN, lease: lease.id },
      { key: '/it/leased', value: 'v' },
    );
    assert.equal(await c.get('/it/leased').string(), 'v');
    const alive = await vscode.commands.executeCommand<{ ttl: number }>('etcdStudio.keepAliveLease', { connection: CONN, lease: lease.id });
    assert.ok(alive.ttl > 100);
    assert.equal(
      await vscode.commands.executeCommand<number>('etcdStudio.revokeLease', { connection: CONN, lease: lease.id }, { confirmed: true }),
      1,
    );
    assert.equal(await c.get('/it/leased').exists(), false);
  });

  it('a watch starts on a prefix and stops', async () => {
    const id = await vscode.commands.executeCommand<number>('etcdStudio.watch', { connection: CONN, prefix: '/it/watch/' });
    await c.put('/it/watch/a').value('1');
    await vscode.commands.executeCommand('etcdStudio.stopWatch', id);
  });

  it('restores a saved snapshot into a new data dir (refusing a non-empty one) and plans a restore into the cluster', async () => {
    const file = path.join(dir, 'snap.db');
    await vscode.commands.executeCommand('etcdStudio.snapshotSave', CONN, {
      file,
      endpoint: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',')[0],
    });
    const dataDir = path.join(dir, 'restored.etcd');
    const r = await vscode.commands.executeCommand<{ startArgs: string[]; nextSteps: string }>('etcdStudio.snapshotRestore', file, {
      mode: 'dataDir',
      dataDir,
      name: 'r1',
      initialCluster: 'r1=http://127.0.0.1:12380',
      initialClusterToken: 'restored',
      initialAdvertisePeerUrls: 'http://127.0.0.1:12380',
    });
    assert.ok(readdirSync(dataDir).includes('member'), 'etcd data written');
    assert.ok(r.startArgs.includes('--data-dir') && r.startArgs.includes(dataDir));
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('etcdStudio.snapshotRestore', file, {
          mode: 'dataDir',
          dataDir,
          name: 'r1',
          initialCluster: 'r1=http://127.0.0.1:12380',
          initialClusterToken: 'restored',
          initialAdvertisePeerUrls: 'http://127.0.0.1:12380',
        }),
      ),
      /not empty/,
    );
    const plan = await vscode.commands.executeCommand<{ total: number; unchanged: number; create: number }>(
      'etcdStudio.snapshotRestore',
      file,
      { mode: 'cluster', connection: CONN, dryRun: true },
    );
    assert.ok(plan.total > 80 && plan.unchanged + plan.create <= plan.total, JSON.stringify(plan));
    await vscode.commands.executeCommand('etcdStudio.closeSnapshot', file);
  });
});
