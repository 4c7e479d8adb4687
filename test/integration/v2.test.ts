import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { launchEtcd, LocalEtcd } from '../../src/core/etcd/localEtcd';
import type { EtcdStudioApi } from '../../src/extension';
import type { TreeNode } from '../../src/vscode/explorer/node';
import { childRow as child, rowText } from './treeHelpers';

const LEGACY = 'it-v2-legacy';
const CURRENT = 'it-v2-current';
const CONFIG = '{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}';

/** A v2 write with the test's own HTTP client (never the code under test). */
async function v2Put(endpoint: string, key: string, value: string, ttl?: number): Promise<void> {
  const body = new URLSearchParams({ value, ...(ttl ? { ttl: String(ttl) } : {}) });
  const res = await fetch(`${endpoint}/v2/keys${key}`, { method: 'PUT', body });
  assert.ok(res.ok, `${key}: ${res.status} ${await res.text()}`);
}

describe('the v2 keyspace beside the v3 one', () => {
  let api: EtcdStudioApi;
  let legacy: LocalEtcd;
  let dir: string;
  const connectionNode = async (name: string): Promise<TreeNode> =>
    (await api.tree.getChildren()).find((r) => r.target?.kind === 'connection' && r.target.connection === name)!;

  before(async () => {
    api = await vscode.extensions.getExtension<EtcdStudioApi>('etcd-studio.etcd-studio')!.activate();
    // Debian's etcd 3.4 with the v2 store on, holding flannel's keys.
    dir = mkdtempSync(path.join(tmpdir(), 'it-v2-'));
    legacy = await launchEtcd({ binary: '/usr/bin/etcd', dataRoot: dir, extraArgs: ['--enable-v2'] });
    await v2Put(legacy.endpoints[0], '/coreos.com/network/config', CONFIG);
    await v2Put(legacy.endpoints[0], '/coreos.com/network/subnets/10.244.1.0-24', '{"PublicIP":"192.168.1.10"}', 3600);
    await vscode.commands.executeCommand('etcdStudio.addConnection', { name: LEGACY, endpoints: legacy.endpoints });
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name: CURRENT,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', LEGACY);
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CURRENT);
    await legacy?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('etcd 3.4 with --enable-v2: flannel keys read-only in the tree, values open as JSON', async () => {
    const v2 = await child(await connectionNode(LEGACY), 'v2 keyspace');
    assert.equal(await rowText(v2), 'v2 keyspace — legacy · read-only');
    const network = await child(await child(v2, 'coreos.com/'), 'network/');
    assert.deepEqual(await Promise.all((await network.getChildren()).map(rowText)), [`config — ${CONFIG.length} B`, 'subnets/']);
    const subnet = (await (await child(network, 'subnets/')).getChildren())[0];
    assert.match(await rowText(subnet), /^10\.244\.1\.0-24 — 27 B · TTL \d+ s$/);

    const config = await child(network, 'config');
    const item = await config.getTreeItem();
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'etcd-v2');
    assert.equal(doc.languageId, 'json');
    assert.equal(doc.getText(), CONFIG);
  });

  it('etcd 3.6+: one line says the v2 keyspace is gone', async () => {
    const v2 = await child(await connectionNode(CURRENT), 'v2 keyspace');
    assert.equal(await rowText(v2), 'v2 keyspace — removed in etcd 3.6');
    const tooltip = (await v2.getTreeItem()).tooltip;
    assert.match(String(tooltip), /has no v2 keyspace \(v2 API, ETCDCTL_API=2\): etcd 3\.6 removed it/);
    assert.deepEqual(await v2.getChildren(), []);
  });
});
