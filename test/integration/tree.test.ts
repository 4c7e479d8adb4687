import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EtcdStudioApi } from '../../src/extension';
import type { TreeNode } from '../../src/vscode/explorer/node';
import { childRow as child, rowText as label } from './treeHelpers';
import { etcdVersionPattern } from '../harness/tools';

const EXTENSION_ID = 'etcd-studio.etcd-studio';

describe('Clusters tree against a real etcd', () => {
  let api: EtcdStudioApi;
  const name = 'it-tree';

  before(async () => {
    const ext = vscode.extensions.getExtension<EtcdStudioApi>(EXTENSION_ID)!;
    api = await ext.activate();
    const endpoints = process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',');
    await vscode.commands.executeCommand('etcdStudio.addConnection', { name, endpoints });
  });

  after(async () => {
    await vscode.commands.executeCommand('etcdStudio.removeConnection', name);
  });

  it('expands connection -> Members and Keys -> /registry/ -> pods/ -> default/ -> a Pod key', async () => {
    const roots = await api.tree.getChildren();
    const conn = roots[(await Promise.all(roots.map(label))).findIndex((l) => l.startsWith(name))];
    assert.ok(conn, 'the connection is listed');
    const members = await child(conn, 'Members');
    const [member] = await members.getChildren();
    assert.match(await label(member), new RegExp(`^m1 — [0-9a-f]+ · leader · healthy \\d+ ms · v${etcdVersionPattern()} · [\\d.]+ [kM]B$`));
    assert.match(await label(conn), new RegExp(`^${name} — v${etcdVersionPattern()} · rev \\d+$`));
    // The tooltip says what this release lacks (the suite runs on 3.6: no v2 keyspace) and which tool reads its snapshots.
    const tooltip = ((await conn.getTreeItem()).tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, new RegExp(`\\| not on etcd ${etcdVersionPattern()} \\| v2 keyspace .* — removed in etcd 3\\.6`));
    assert.match(tooltip, /\| snapshot files \| `etcdutl snapshot status\\\|restore` \|/);

    const keys = await child(conn, 'Keys');
    const slash = await child(keys, '/');
    const registry = await child(slash, 'registry/');
    const pods = await child(registry, 'pods/');
    assert.match(await label(pods), /pods\/ — \d+ keys/);
    const ns = await child(pods, 'default/');
    const pod = await child(ns, 'web-');
    assert.match(await label(pod), /^web-[\w-]+ — [\d.]+ k?B · v\d+ · rev \d+$/);
  });

  it('"Copy as etcdctl command" on a key puts a working etcdctl line on the clipboard', async () => {
    const endpoints = process.env.ETCD_STUDIO_TEST_ENDPOINTS!;
    const text = await vscode.commands.executeCommand<string>('etcdStudio.goToKey', name, { key: '/registry/namespaces/default' });
    assert.equal(text, '/registry/namespaces/default');
    const copied = await vscode.commands.executeCommand<string>('etcdStudio.copyAsEtcdctl', await revealed());
    assert.equal(copied, `ETCDCTL_API=3 etcdctl --endpoints=${endpoints} get /registry/namespaces/default`);
    assert.equal(await vscode.env.clipboard.readText(), copied);
  });

  async function revealed(): Promise<TreeNode> {
    const roots = await api.tree.getChildren();
    const conn = roots[(await Promise.all(roots.map(label))).findIndex((l) => l.startsWith(name))];
    const keys = await child(conn, 'Keys');
    return child(await child(await child(await child(keys, '/'), 'registry/'), 'namespaces/'), 'default');
  }
});
