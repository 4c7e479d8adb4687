/** The code of the auth commands, loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import type { PermissionType } from '../../core/auth';
import { EtcdStudioError } from '../../core/errors';
import { keyFromText } from '../../core/keytree/keyText';
import { CommandIds } from '../commands/ids';
import { targetOf, TargetArg } from '../commands/targets';
import { pickOne } from '../platform/pick';
import { Services } from '../services';

const auth = () => import('../../core/auth');

/** Asks a new password twice, in password boxes. */
async function askPassword(title: string, whose: string): Promise<string | undefined> {
  const first = await vscode.window.showInputBox({
    title,
    prompt: `Password of ${whose}`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : 'The password cannot be empty.'),
  });
  if (!first) return undefined;
  const again = await vscode.window.showInputBox({
    title,
    prompt: `Password of ${whose}, again`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v === first ? undefined : 'The two passwords differ.'),
  });
  return again === first ? first : undefined;
}

async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}

export function registerCommands(s: Services): void {
  /** The writable connection a command changes (asked for when not given). */
  const writable = async (arg: TargetArg, title: string, what: string) => {
    const connection = await s.targets.connection(arg, title);
    if (!connection) return undefined;
    const conn = await s.connect(connection);
    conn.assertWritable(what);
    return { connection, conn };
  };

  /** A user: a user node, `{ connection, user }`, or picked from the cluster's users. */
  const userOf = async (arg: TargetArg, title: string, what: string) => {
    const c = await writable(arg, title, what);
    if (!c) return undefined;
    const t = targetOf(arg);
    if (t?.kind === 'user') return { ...c, user: t.user, role: t.role };
    const users = (await c.conn.users()).users;
    const picked = await pickOne(
      users.map((label) => ({ label })),
      { title, empty: `"${c.connection}" has no users yet: add one first.`, pickSingle: false },
    );
    return picked && { ...c, user: picked.label, role: undefined };
  };

  /** A role: a role or permission node, `{ connection, role }`, or picked. */
  const roleOf = async (arg: TargetArg, title: string, what: string) => {
    const c = await writable(arg, title, what);
    if (!c) return undefined;
    const t = targetOf(arg);
    if (t?.kind === 'role') return { ...c, role: t.role, permission: t.permission };
    const roles = (await c.conn.roles()).roles;
    const picked = await pickOne(
      roles.map((label) => ({ label })),
      { title, empty: `"${c.connection}" has no roles yet: add one first.`, pickSingle: false },
    );
    return picked && { ...c, role: picked.label, permission: undefined };
  };

  const done = (message: string, scripted: boolean) => {
    s.refreshTree();
    if (!scripted) void vscode.window.setStatusBarMessage(`$(check) ${message}`, 5000);
  };

  s.command(CommandIds.addUser, async (arg?: TargetArg, opts: { name?: string } = {}) => {
    const c = await writable(arg, 'Add user to which cluster?', 'adding a user');
    if (!c) return undefined;
    const name = opts.name ?? (await vscode.window.showInputBox({ title: 'Add User', prompt: 'User name', ignoreFocusOut: true }));
    if (!name) return undefined;
    const password = await askPassword('Add User', name);
    if (!password) return undefined;
    await (await auth()).addUser(c.conn, name, password);
    done(`User ${name} added to "${c.connection}"`, opts.name !== undefined);
    return { user: name };
  });

  s.command(CommandIds.removeUser, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const u = await userOf(arg, 'Remove which user?', 'removing a user');
    if (!u) return undefined;
    if (
      !opts.confirmed &&
      !(await confirm(`Remove user ${u.user} from "${u.connection}"?`, 'Its sessions stop working at once.', 'Remove User'))
    )
      return undefined;
    await (await auth()).removeUser(u.conn, u.user);
    done(`User ${u.user} removed`, !!opts.confirmed);
    return { user: u.user };
  });

  s.command(CommandIds.grantRole, async (arg?: TargetArg, opts: { role?: string } = {}) => {
    const u = await userOf(arg, 'Grant a role to which user?', 'granting a role');
    if (!u) return undefined;
    let role = opts.role;
    if (!role) {
      const roles = ['root', ...(await u.conn.roles()).roles.filter((r) => r !== 'root')];
      role = (
        await pickOne(
          roles.map((label) => ({ label, description: label === 'root' ? 'every permission, and managing auth' : '' })),
          {
            title: `Grant which role to ${u.user}?`,
            empty: 'No roles yet.',
            pickSingle: false,
          },
        )
      )?.label;
    }
    if (!role) return undefined;
    await (await auth()).grantRole(u.conn, u.user, role);
    done(`Role ${role} granted to ${u.user}`, opts.role !== undefined);
    return { user: u.user, role };
  });

  s.command(CommandIds.revokeRole, async (arg?: TargetArg, opts: { role?: string; confirmed?: boolean } = {}) => {
    const u = await userOf(arg, 'Revoke a role from which user?', 'revoking a role');
    if (!u) return undefined;
    const role =
      opts.role ??
      u.role ??
      (
        await pickOne(
          (await u.conn.user(u.user)).roles.map((label) => ({ label })),
          { title: `Revoke which role from ${u.user}?`, empty: `${u.user} has no roles.`, pickSingle: false },
        )
      )?.label;
    if (!role) return undefined;
    if (
      !opts.confirmed &&
      !(await confirm(`Revoke role ${role} from ${u.user}?`, `${u.user} loses the permissions of ${role}.`, 'Revoke Role'))
    )
      return undefined;
    await (await auth()).revokeRole(u.conn, u.user, role);
    done(`Role ${role} revoked from ${u.user}`, !!opts.confirmed);
    return { user: u.user, role };
  });

  s.command(CommandIds.addRole, async (arg?: TargetArg, opts: { name?: string } = {}) => {
    const c = await writable(arg, 'Add a role to which cluster?', 'adding a role');
    if (!c) return undefined;
    const name = opts.name ?? (await vscode.window.showInputBox({ title: 'Add Role', prompt: 'Role name', ignoreFocusOut: true }));
    if (!name) return undefined;
    await (await auth()).addRole(c.conn, name);
    done(`Role ${name} added`, opts.name !== undefined);
    return { role: name };
  });

  s.command(CommandIds.removeRole, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const r = await roleOf(arg, 'Remove which role?', 'removing a role');
    if (!r) return undefined;
    if (!opts.confirmed && !(await confirm(`Remove role ${r.role}?`, 'Users that have it lose its permissions.', 'Remove Role')))
      return undefined;
    await (await auth()).removeRole(r.conn, r.role);
    done(`Role ${r.role} removed`, !!opts.confirmed);
    return { role: r.role };
  });

  s.command(CommandIds.addPermission, async (arg?: TargetArg, opts: { type?: PermissionType; key?: string; prefix?: boolean } = {}) => {
    const r = await roleOf(arg, 'Add a permission to which role?', 'adding a permission');
    if (!r) return undefined;
    const title = `Add Permission to ${r.role}`;
    const type =
      opts.type ??
      (
        await vscode.window.showQuickPick(
          [
            { label: 'read', type: 'read' as const },
            { label: 'write', type: 'write' as const },
            { label: 'read + write', type: 'readwrite' as const },
          ],
          { title },
        )
      )?.type;
    if (!type) return undefined;
    const keyText =
      opts.key ??
      (await vscode.window.showInputBox({
        title,
        prompt: 'Key or prefix (as the tree shows it; \\xNN for raw bytes)',
        ignoreFocusOut: true,
      }));
    if (keyText === undefined) return undefined;
    const prefix =
      opts.prefix ??
      (
        await vscode.window.showQuickPick(
          [
            { label: 'Every key under it (prefix)', prefix: true },
            { label: 'This key only', prefix: false },
          ],
          { title },
        )
      )?.prefix;
    if (prefix === undefined) return undefined;
    const a = await auth();
    const range = a.permissionRange(keyFromText(keyText), prefix);
    await a.grantPermission(r.conn, r.role, type, range);
    done(`${type} on ${a.describeRange(range.key, range.rangeEnd)} granted to ${r.role}`, opts.type !== undefined);
    return { role: r.role, type, range: a.describeRange(range.key, range.rangeEnd) };
  });

  s.command(CommandIds.removePermission, async (arg?: TargetArg, opts: { key?: string; prefix?: boolean; confirmed?: boolean } = {}) => {
    const r = await roleOf(arg, 'Remove a permission from which role?', 'removing a permission');
    if (!r) return undefined;
    const a = await auth();
    let range = r.permission;
    if (opts.key !== undefined) range = a.permissionRange(keyFromText(opts.key), !!opts.prefix);
    if (!range) {
      const perms = (await a.readAuth(r.conn)).roles.find((x) => x.name === r.role)?.permissions ?? [];
      range = (
        await pickOne(
          perms.map((p) => ({ label: p.range, description: p.type, range: { key: p.key, rangeEnd: p.rangeEnd } })),
          { title: `Remove which permission of ${r.role}?`, empty: `Role ${r.role} has no permissions.`, pickSingle: false },
        )
      )?.range;
    }
    if (!range) return undefined;
    const shown = a.describeRange(range.key, range.rangeEnd);
    if (
      !opts.confirmed &&
      !(await confirm(`Remove ${shown} from role ${r.role}?`, 'Users with this role lose access to it.', 'Remove Permission'))
    )
      return undefined;
    await a.revokePermission(r.conn, r.role, range);
    done(`${shown} removed from ${r.role}`, !!opts.confirmed);
    return { role: r.role, range: shown };
  });

  s.command(CommandIds.enableAuth, async (arg?: TargetArg) => {
    const c = await writable(arg, 'Turn auth on for which cluster?', 'turning auth on');
    if (!c) return undefined;
    const a = await auth();
    const state = await a.readAuth(c.conn);
    if (state.enabled) throw new EtcdStudioError('Conflict', `Auth is already on in "${c.connection}".`);
    // The lock-out guard, before asking anything.
    const blocker = a.enableBlocker(state);
    if (blocker) throw new EtcdStudioError('InvalidArgument', `${blocker} Auth stays off.`);
    const ok = await confirm(
      `Turn auth on for "${c.connection}"?`,
      "Every client will then need a user and password (or a client certificate whose name is a user). You will type root's password next: it is set as root's password, so you know it (type the current one to keep it).",
      'Continue',
    );
    if (!ok) return undefined;
    const password = await askPassword('Turn Auth On', 'root');
    if (!password) return undefined;
    await a.enableAuth(c.conn, password);
    const profile = s.store.get(c.connection);
    if (profile && !profile.username) {
      const use = await vscode.window.showInformationMessage(
        `Auth is on in "${c.connection}". This connection has no user: sign in as root from now on?`,
        'Sign In as root',
      );
      if (use) await s.store.save({ ...profile, username: 'root' }, password);
    }
    s.refreshTree();
    return { enabled: true };
  });

  s.command(CommandIds.disableAuth, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const c = await writable(arg, 'Turn auth off for which cluster?', 'turning auth off');
    if (!c) return undefined;
    if (
      !opts.confirmed &&
      !(await confirm(
        `Turn auth off for "${c.connection}"?`,
        'Every client may then read and write every key without signing in.',
        'Turn Auth Off',
      ))
    )
      return undefined;
    await (await auth()).disableAuth(c.conn);
    done(`Auth is off in "${c.connection}"`, !!opts.confirmed);
    return { enabled: false };
  });
}
