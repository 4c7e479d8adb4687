/**
 * Users, roles and key-range permissions on a real etcd, with auth turned on and off through etcd Studio:
 * the lock-out guard (no root, root without the root role, no password), what etcd then enforces (checked
 * with etcdctl and the tests' own client), the tree's view of it, and passwords never reaching the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  addRole,
  addUser,
  changePassword,
  disableAuth,
  enableAuth,
  grantPermission,
  grantRole,
  permissionRange,
  readAuth,
  removeRole,
  removeUser,
  revokePermission,
  revokeRole,
} from '../../src/core/auth';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdStudioError } from '../../src/core/errors';
import type { Logger } from '../../src/core/log';
import { etcdctl } from '../harness/auth';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';

const ROOT_PW = 'r00t-Secret-4711';
const ALICE_PW = 'alice-Secret-0815';

async function rejects(p: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const err = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, String(err));
  assert.equal(err.code, code, err.message);
  assert.match(err.message, text);
}

function etcdctlFails(etcd: EtcdTestCluster, args: string[], user?: string): string {
  try {
    etcdctl(etcd, args, user);
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
  return assert.fail(`etcdctl ${args.join(' ')} succeeded`);
}

describe('auth: users, roles, permissions and the lock-out guard (real etcd)', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let root: EtcdConnection | undefined;
  const logged: string[] = [];
  const logger: Logger = {
    trace: (m) => logged.push(m),
    info: (m) => logged.push(m),
    warn: (m) => logged.push(m),
    error: (m) => logged.push(String(m)),
  };

  before(async () => {
    etcd = await startEtcd();
    conn = await EtcdConnection.open({ name: 'admin', endpoints: etcd.endpoints }, { logger });
  });
  after(async () => {
    root?.close();
    conn?.close();
    await etcd?.stop();
  });

  test('auth is off on a new cluster, and the guard refuses to turn it on without a root user with the root role and a password', async () => {
    const state = await readAuth(conn);
    assert.equal(state.enabled, false);
    assert.deepEqual(state.users, []);
    await rejects(
      enableAuth(conn, ROOT_PW),
      'InvalidArgument',
      /There is no user "root": add user root with a password .* Auth stays off\./,
    );
    await addUser(conn, 'root', 'first-password');
    await rejects(enableAuth(conn, ROOT_PW), 'InvalidArgument', /User "root" does not have the root role: grant it first/);
    await grantRole(conn, 'root', 'root');
    await rejects(enableAuth(conn, ''), 'InvalidArgument', /needs the password of user root/);
    assert.equal((await readAuth(conn)).enabled, false, 'auth stays off after every refusal');
    assert.match(etcdctl(etcd, ['get', '/any']), /^$/, 'etcd still answers without credentials');
  });

  test('turning auth on sets the typed root password; etcd then refuses anonymous requests and root signs in', async () => {
    await enableAuth(conn, ROOT_PW);
    assert.match(etcdctlFails(etcd, ['put', '/k', 'v']), /user name is empty|permission denied|invalid auth token/);
    assert.match(etcdctlFails(etcd, ['get', '/k'], 'root:first-password'), /authentication failed/);
    etcdctl(etcd, ['put', '/allowed/a', '1'], `root:${ROOT_PW}`);
    root = await EtcdConnection.open({ name: 'root', endpoints: etcd.endpoints, username: 'root' }, { password: ROOT_PW, logger });
    assert.equal((await readAuth(root)).enabled, true);
    await rejects(enableAuth(root, ROOT_PW), 'Conflict', /Auth is already on in "root"/);
  });

  test('users, roles and key-range permissions: added, shown as the tree shows them, enforced by etcd, removed', async () => {
    const r = root!;
    await addUser(r, 'alice', ALICE_PW);
    await addRole(r, 'reader');
    await grantPermission(r, 'reader', 'read', permissionRange(Buffer.from('/allowed/'), true));
    await grantPermission(r, 'reader', 'readwrite', permissionRange(Buffer.from('/alice/notes'), false));
    await grantRole(r, 'alice', 'reader');
    const state = await readAuth(r);
    assert.deepEqual(state.users, [
      { name: 'alice', roles: ['reader'] },
      { name: 'root', roles: ['root'] },
    ]);
    const reader = state.roles.find((x) => x.name === 'reader')!;
    assert.deepEqual(
      reader.permissions.map((p) => `${p.type} ${p.range}`),
      ['readwrite /alice/notes', 'read prefix /allowed/'],
    );
    // etcdctl agrees on what etcd stored.
    assert.equal(
      etcdctl(etcd, ['role', 'get', 'reader'], `root:${ROOT_PW}`),
      'Role reader\nKV Read:\n\t/alice/notes\n\t[/allowed/, /allowed0) (prefix /allowed/)\nKV Write:\n\t/alice/notes\n',
    );
    // etcd enforces it: alice reads /allowed/, may not write there.
    assert.match(etcdctl(etcd, ['get', '/allowed/a', '--print-value-only'], `alice:${ALICE_PW}`), /^1\n$/);
    assert.match(etcdctlFails(etcd, ['put', '/allowed/a', '2'], `alice:${ALICE_PW}`), /permission denied/);

    await changePassword(r, 'alice', 'alice-new-pw');
    await revokePermission(r, 'reader', permissionRange(Buffer.from('/allowed/'), true));
    assert.match(etcdctlFails(etcd, ['get', '/allowed/a'], 'alice:alice-new-pw'), /permission denied/);
    await revokeRole(r, 'alice', 'reader');
    await removeUser(r, 'alice');
    await removeRole(r, 'reader');
    const after = await readAuth(r);
    assert.deepEqual(
      after.users.map((u) => u.name),
      ['root'],
    );
    // The roles etcd lists (etcd keeps the root role implicit), exactly as etcdctl lists them.
    const listed = etcdctl(etcd, ['role', 'list'], `root:${ROOT_PW}`).split('\n').filter(Boolean);
    assert.deepEqual(
      after.roles.map((x) => x.name),
      listed,
    );
    assert.ok(!listed.includes('reader'));
    assert.equal(etcdctl(etcd, ['user', 'list'], `root:${ROOT_PW}`), 'root\n');
  });

  test('a read-only profile refuses every auth change before sending it', async () => {
    const ro = await EtcdConnection.open(
      { name: 'ro', endpoints: etcd.endpoints, username: 'root', readOnly: true },
      { password: ROOT_PW },
    );
    try {
      await rejects(addUser(ro, 'mallory', 'pw'), 'PermissionDenied', /"ro" is read-only: adding user mallory is not allowed/);
      await rejects(disableAuth(ro), 'PermissionDenied', /read-only: turning auth off/);
      await rejects(enableAuth(ro, 'pw'), 'PermissionDenied', /read-only: turning auth on/);
    } finally {
      ro.close();
    }
    assert.equal(etcdctl(etcd, ['user', 'list'], `root:${ROOT_PW}`), 'root\n');
  });

  test('turning auth off lets anonymous requests in again; no password ever reached the log', async () => {
    await disableAuth(root!);
    assert.equal((await readAuth(conn)).enabled, false);
    etcdctl(etcd, ['put', '/k', 'v']);
    const log = logged.join('\n');
    assert.ok(logged.length > 10, 'requests were logged');
    for (const pw of [ROOT_PW, ALICE_PW, 'alice-new-pw', 'first-password']) assert.ok(!log.includes(pw), `${pw} is not in the log`);
  });
});
