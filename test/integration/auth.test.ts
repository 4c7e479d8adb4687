import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EtcdStudioApi } from '../../src/extension';
import type { TreeNode } from '../../src/vscode/explorer/node';
import { childRow as child, rowText } from './treeHelpers';

const CONN = 'it-auth';

describe('auth: the Auth node and its commands', () => {
  let api: EtcdStudioApi;
  before(async () => {
    api = await vscode.extensions.getExtension<EtcdStudioApi>('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name: CONN,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
  });
  after(async () => {
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
  });

  async function authNode(): Promise<TreeNode> {
    const roots = await api.tree.getChildren();
    const conn = roots.find((r) => r.target?.kind === 'connection' && r.target.connection === CONN)!;
    return child(conn, 'Auth');
  }

  it('shows auth off with its users and roles; roles and key-range permissions are added and removed from the tree', async () => {
    const auth = await authNode();
    const rows = await Promise.all((await auth.getChildren()).map(rowText));
    assert.deepEqual(rows, ['Auth is off: every client may read and write every key', 'Users — 0', 'Roles — 0']);
    assert.equal(await rowText(auth), 'Auth — off');
    assert.equal((await auth.getTreeItem()).contextValue, 'auth.off');

    await vscode.commands.executeCommand('etcdStudio.addRole', CONN, { name: 'it-reader' });
    await vscode.commands.executeCommand(
      'etcdStudio.addPermission',
      { connection: CONN, role: 'it-reader' },
      { type: 'read', key: '/registry/', prefix: true },
    );
    await vscode.commands.executeCommand(
      'etcdStudio.addPermission',
      { connection: CONN, role: 'it-reader' },
      { type: 'readwrite', key: '/app/config', prefix: false },
    );
    const role = await child(await child(await authNode(), 'Roles'), 'it-reader');
    assert.equal(await rowText(role), 'it-reader — 2 permissions');
    const perms = await role.getChildren();
    assert.deepEqual(await Promise.all(perms.map(rowText)), ['/app/config — read + write', 'prefix /registry/ — read']);

    // Remove Permission on a permission row (the node says which range), then the role.
    await vscode.commands.executeCommand('etcdStudio.removePermission', perms[1], { confirmed: true });
    const after = await child(await child(await authNode(), 'Roles'), 'it-reader');
    assert.deepEqual(await Promise.all((await after.getChildren()).map(rowText)), ['/app/config — read + write']);
    await vscode.commands.executeCommand('etcdStudio.removeRole', after, { confirmed: true });
    assert.deepEqual(await Promise.all((await (await child(await authNode(), 'Roles')).getChildren()).map(rowText)), [
      'No roles (root is built in)',
    ]);
  });

  it('refuses to turn auth on without a root user that has the root role, before asking for anything', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('etcdStudio.enableAuth', CONN)),
      /There is no user "root": add user root with a password and grant it the root role first.*Auth stays off\./,
    );
    const auth = await authNode();
    await auth.getChildren();
    assert.equal(await rowText(auth), 'Auth — off', 'auth stays off');
  });
});
