import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { EtcdStudioApi } from '../../src/extension';
import type { ExportResult, ImportPlan, ImportResult } from '../../src/core/transfer';
import { childRow as child } from './treeHelpers';

const CONN = 'it-transfer';
const RO = 'it-transfer-ro';

describe('export and import keys from the Clusters view', () => {
  let api: EtcdStudioApi;
  let dir: string;
  const endpoints = () => process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',');
  before(async () => {
    api = await vscode.extensions.getExtension<EtcdStudioApi>('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', { name: CONN, endpoints: endpoints() });
    await vscode.commands.executeCommand('etcdStudio.addConnection', { name: RO, endpoints: endpoints(), readOnly: true });
    dir = mkdtempSync(path.join(tmpdir(), 'it-transfer-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    await vscode.commands.executeCommand('etcdStudio.removeConnection', RO);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a prefix node as JSON lines, deletes it, and imports it back after a dry run with counts', async () => {
    const roots = await api.tree.getChildren();
    const conn = roots.find((r) => r.target?.kind === 'connection' && r.target.connection === CONN)!;
    const namespaces = await child(await child(await child(await child(conn, 'Keys'), '/'), 'registry/'), 'namespaces/');
    const file = path.join(dir, 'namespaces.jsonl');
    const exported = await vscode.commands.executeCommand<ExportResult>('etcdStudio.exportKeys', namespaces, { file });
    assert.ok(exported.keys >= 3, JSON.stringify(exported));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, exported.keys);
    assert.match(lines[0], /^\{"key":"\/registry\/namespaces\/[^"]+","value":"[A-Za-z0-9+/=]+","lease":"0"\}$/);

    await vscode.commands.executeCommand('etcdStudio.deletePrefix', namespaces, { expectedCount: exported.keys });
    const plan = await vscode.commands.executeCommand<ImportPlan>(
      'etcdStudio.importKeys',
      { connection: CONN, prefix: '/registry/namespaces/' },
      { file, mode: 'fail', dryRun: true },
    );
    assert.deepEqual([plan.total, plan.create, plan.exists], [exported.keys, exported.keys, 0]);
    const done = await vscode.commands.executeCommand<ImportResult>('etcdStudio.importKeys', CONN, { file, mode: 'fail', confirmed: true });
    assert.equal(done.created, exported.keys);

    // Importing again with "fail if exists" refuses and writes nothing.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('etcdStudio.importKeys', CONN, { file, mode: 'fail', confirmed: true })),
      new RegExp(`${exported.keys} key\\(s\\) of the file already exist in "${CONN}"`),
    );
    const again = await vscode.commands.executeCommand<ImportResult>('etcdStudio.importKeys', CONN, {
      file,
      mode: 'skip',
      confirmed: true,
    });
    assert.deepEqual([again.created, again.unchanged, again.txns], [0, exported.keys, 0]);
  });

  it('exports the YAML variant, and a read-only connection refuses an import before asking anything', async () => {
    const file = path.join(dir, 'pods.yaml');
    const r = await vscode.commands.executeCommand<ExportResult>(
      'etcdStudio.exportKeys',
      { connection: CONN, prefix: '/registry/pods/' },
      { file },
    );
    assert.ok(r.decoded! > 0 && r.decoded === r.keys, JSON.stringify(r));
    assert.match(readFileSync(file, 'utf8'), /^# key: \/registry\/pods\/.+\n# format: k8s-protobuf\napiVersion: v1\nkind: Pod$/m);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('etcdStudio.importKeys', RO, { file, mode: 'overwrite', confirmed: true })),
      /Connection "it-transfer-ro" is read-only: importing keys is not allowed/,
    );
  });
});
