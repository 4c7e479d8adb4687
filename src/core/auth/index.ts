/**
 * etcd's role-based access control: users, roles, each role's key-range permissions, and turning auth on
 * and off — with the guard etcdctl lacks: auth is only turned on when user root exists, holds the root role
 * and has a password the person enabling it has just typed (set as root's password in the same step), so
 * nobody locks themselves out. Changes go through EtcdConnection.write (refused on read-only profiles);
 * passwords are only ever passed to etcd, never logged or returned.
 */
import { EtcdConnection } from '../etcd/connection';
import { EtcdStudioError } from '../errors';
import { keyToText } from '../keytree/keyText';
import { prefixRangeEnd } from '../keytree/rangeEnd';

export type PermissionType = 'read' | 'write' | 'readwrite';
export const PERMISSION_TYPES: readonly PermissionType[] = ['read', 'write', 'readwrite'];

export interface Permission {
  type: PermissionType;
  key: Buffer;
  /** Empty: the key alone; "\0": the key and every key after it. */
  rangeEnd: Buffer;
  /** What it covers, as a person reads it: `/a/b`, `prefix /registry/`, `[a, b)`, `every key`. */
  range: string;
}

export interface AuthUser {
  name: string;
  roles: string[];
}

export interface AuthRole {
  name: string;
  permissions: Permission[];
}

export interface AuthState {
  enabled: boolean;
  users: AuthUser[];
  roles: AuthRole[];
}

const TYPE_OF: Record<string, PermissionType> = {
  Read: 'read',
  Write: 'write',
  Readwrite: 'readwrite',
  0: 'read',
  1: 'write',
  2: 'readwrite',
};
const ETCD_TYPE: Record<PermissionType, 'Read' | 'Write' | 'Readwrite'> = { read: 'Read', write: 'Write', readwrite: 'Readwrite' };

/** How a key range reads: the key, a prefix, an open or closed range. */
export function describeRange(key: Buffer, rangeEnd: Buffer): string {
  if (!rangeEnd.length) return keyToText(key);
  const openEnded = rangeEnd.length === 1 && rangeEnd[0] === 0;
  if (openEnded) return key.length === 1 && key[0] === 0 ? 'every key' : `${keyToText(key)} and every key after it`;
  if (key.length && rangeEnd.equals(prefixRangeEnd(key))) return `prefix ${keyToText(key)}`;
  return `[${keyToText(key)}, ${keyToText(rangeEnd)})`;
}

/** The range a permission covers: one key, or every key under a prefix ("" = every key). */
export function permissionRange(key: Buffer, prefix: boolean): { key: Buffer; rangeEnd: Buffer } {
  if (!prefix) {
    if (!key.length)
      throw new EtcdStudioError('InvalidArgument', 'A permission needs a key (or a prefix; an empty prefix means every key).');
    return { key, rangeEnd: Buffer.alloc(0) };
  }
  return key.length ? { key, rangeEnd: prefixRangeEnd(key) } : { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) };
}

/** Users with their roles, roles with their permissions, and whether auth is on (one request per user and role). */
export async function readAuth(conn: EtcdConnection): Promise<AuthState> {
  const [enabled, userNames, roleNames] = await Promise.all([
    conn.authEnabled(),
    conn.users().then((r) => [...r.users].sort()),
    conn.roles().then((r) => [...r.roles].sort()),
  ]);
  const users = await Promise.all(userNames.map(async (name) => ({ name, roles: [...(await conn.user(name)).roles].sort() })));
  const roles = await Promise.all(
    roleNames.map(async (name) => ({
      name,
      permissions: (await conn.role(name)).perm.map((p) => {
        const key = Buffer.from(p.key);
        const rangeEnd = Buffer.from(p.range_end ?? []);
        return { type: TYPE_OF[String(p.permType)] ?? 'read', key, rangeEnd, range: describeRange(key, rangeEnd) };
      }),
    })),
  );
  return { enabled, users, roles };
}

function need(what: string, value: string): string {
  const v = value.trim();
  if (!v) throw new EtcdStudioError('InvalidArgument', `A ${what} name cannot be empty.`);
  return v;
}

function needPassword(password: string, whose: string): string {
  if (!password) throw new EtcdStudioError('InvalidArgument', `The password of ${whose} cannot be empty.`);
  return password;
}

export async function addUser(conn: EtcdConnection, name: string, password: string): Promise<void> {
  const user = need('user', name);
  await conn.write(`adding user ${user}`, { op: 'userAdd', name: user, password: needPassword(password, user) });
}

export async function removeUser(conn: EtcdConnection, name: string): Promise<void> {
  await conn.write(`removing user ${name}`, { op: 'userDelete', name });
}

export async function changePassword(conn: EtcdConnection, name: string, password: string): Promise<void> {
  await conn.write(`changing the password of ${name}`, { op: 'userChangePassword', name, password: needPassword(password, name) });
}

export async function grantRole(conn: EtcdConnection, user: string, role: string): Promise<void> {
  await conn.write(`granting role ${role} to ${user}`, { op: 'userGrantRole', name: user, role: need('role', role) });
}

export async function revokeRole(conn: EtcdConnection, user: string, role: string): Promise<void> {
  await conn.write(`revoking role ${role} from ${user}`, { op: 'userRevokeRole', name: user, role });
}

export async function addRole(conn: EtcdConnection, name: string): Promise<void> {
  const role = need('role', name);
  await conn.write(`adding role ${role}`, { op: 'roleAdd', name: role });
}

export async function removeRole(conn: EtcdConnection, name: string): Promise<void> {
  await conn.write(`removing role ${name}`, { op: 'roleDelete', name });
}

export async function grantPermission(
  conn: EtcdConnection,
  role: string,
  type: PermissionType,
  range: { key: Buffer; rangeEnd: Buffer },
): Promise<void> {
  if (!PERMISSION_TYPES.includes(type))
    throw new EtcdStudioError('InvalidArgument', `A permission is read, write or readwrite, not "${String(type)}".`);
  await conn.write(`granting ${type} on ${describeRange(range.key, range.rangeEnd)} to role ${role}`, {
    op: 'roleGrantPermission',
    name: role,
    permType: ETCD_TYPE[type],
    key: range.key,
    rangeEnd: range.rangeEnd,
  });
}

export async function revokePermission(conn: EtcdConnection, role: string, range: { key: Buffer; rangeEnd: Buffer }): Promise<void> {
  await conn.write(`revoking ${describeRange(range.key, range.rangeEnd)} from role ${role}`, {
    op: 'roleRevokePermission',
    name: role,
    key: range.key,
    rangeEnd: range.rangeEnd,
  });
}

/** Why auth cannot be turned on yet (no root user, root without the root role), or undefined when it can. */
export function enableBlocker(state: Pick<AuthState, 'users'>): string | undefined {
  const root = state.users.find((u) => u.name === 'root');
  if (!root)
    return 'There is no user "root": add user root with a password and grant it the root role first, or nobody could manage the cluster once auth is on.';
  if (!root.roles.includes('root'))
    return 'User "root" does not have the root role: grant it first, or nobody could manage the cluster once auth is on.';
  return undefined;
}

/**
 * Turns auth on after the lock-out guard: user root must exist with the root role, and `rootPassword` becomes
 * root's password in the same step (so root has a password, and the person enabling auth knows it). Then
 * proves that root can sign in with it.
 */
export async function enableAuth(conn: EtcdConnection, rootPassword: string): Promise<void> {
  conn.assertWritable('turning auth on');
  const state = await readAuth(conn);
  if (state.enabled) throw new EtcdStudioError('Conflict', `Auth is already on in "${conn.profile.name}".`);
  const blocker = enableBlocker(state);
  if (blocker) throw new EtcdStudioError('InvalidArgument', `${blocker} Auth stays off.`);
  if (!rootPassword)
    throw new EtcdStudioError(
      'InvalidArgument',
      'Turning auth on needs the password of user root (it is set now, so it is known). Auth stays off.',
    );
  await changePassword(conn, 'root', rootPassword);
  await conn.write('turning auth on', { op: 'authEnable' });
  const root = await EtcdConnection.open(
    { ...conn.profile, name: `${conn.profile.name} (root)`, username: 'root' },
    { password: rootPassword },
  );
  root.close();
}

export async function disableAuth(conn: EtcdConnection): Promise<void> {
  await conn.write('turning auth off', { op: 'authDisable' });
}
