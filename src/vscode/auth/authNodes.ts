import * as vscode from 'vscode';
import type { AuthRole, AuthState, AuthUser, Permission } from '../../core/auth';
import { errorMessage } from '../../core/errors';
import type { Target } from '../commands/targets';
import { MessageNode, NodeContext, TreeNode } from '../explorer/node';

/** "Auth" under a connection: on or off, then Users (with their roles) and Roles (with their key-range permissions). */
export class AuthNode implements TreeNode {
  readonly target: Target;
  private state: AuthState | undefined;

  constructor(
    private readonly connection: string,
    readonly parent: TreeNode,
    private readonly nodes: NodeContext,
  ) {
    this.target = { kind: 'connection', connection };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Auth', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `auth:${this.connection}`;
    item.iconPath = new vscode.ThemeIcon('shield');
    const on = this.state?.enabled;
    item.description = on === undefined ? 'users, roles, permissions' : on ? 'on' : 'off';
    item.contextValue = on === undefined ? 'auth' : on ? 'auth.on' : 'auth.off';
    item.tooltip =
      on === false ? 'Auth is off: every client may read and write every key.' : 'Users, roles and their key-range permissions.';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const before = this.state?.enabled;
    try {
      const { readAuth } = await import('../../core/auth');
      this.state = await readAuth(await this.nodes.connect(this.connection));
    } catch (e) {
      return [new MessageNode(`Cannot read users and roles: ${errorMessage(e)}`, 'warning')];
    } finally {
      if (this.state?.enabled !== before) this.nodes.refresh(this);
    }
    const s = this.state;
    const rows: TreeNode[] = [];
    if (!s.enabled) rows.push(new MessageNode('Auth is off: every client may read and write every key', 'unlock'));
    rows.push(new GroupNode(this.connection, 'Users', s.users, this), new GroupNode(this.connection, 'Roles', s.roles, this));
    return rows;
  }
}

class GroupNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly connection: string,
    private readonly label: 'Users' | 'Roles',
    private readonly items: AuthUser[] | AuthRole[],
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'connection', connection };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `auth:${this.connection}:${this.label}`;
    item.description = String(this.items.length);
    item.iconPath = new vscode.ThemeIcon(this.label === 'Users' ? 'account' : 'organization');
    item.contextValue = this.label === 'Users' ? 'authUsers' : 'authRoles';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    if (!this.items.length) return [new MessageNode(this.label === 'Users' ? 'No users' : 'No roles (root is built in)', 'info')];
    return this.label === 'Users'
      ? (this.items as AuthUser[]).map((u) => new UserNode(this.connection, u, this))
      : (this.items as AuthRole[]).map((r) => new RoleNode(this.connection, r, this));
  }
}

export class UserNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly connection: string,
    readonly user: AuthUser,
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'user', connection, user: user.name };
  }

  getTreeItem(): vscode.TreeItem {
    const u = this.user;
    const item = new vscode.TreeItem(
      u.name,
      u.roles.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `auth:${this.connection}:user:${u.name}`;
    item.description = u.roles.length ? u.roles.join(', ') : 'no roles';
    item.iconPath = new vscode.ThemeIcon(u.name === 'root' ? 'star-full' : 'person');
    item.contextValue = 'authUser';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return this.user.roles.map((role) => new UserRoleNode(this.connection, this.user.name, role, this));
  }
}

class UserRoleNode implements TreeNode {
  readonly target: Target;

  constructor(
    connection: string,
    user: string,
    private readonly role: string,
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'user', connection, user, role };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.role, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('organization');
    item.description = 'role';
    item.contextValue = 'authUserRole';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}

export class RoleNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly connection: string,
    readonly role: AuthRole,
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'role', connection, role: role.name };
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.role;
    const n = r.permissions.length;
    const item = new vscode.TreeItem(r.name, n ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `auth:${this.connection}:role:${r.name}`;
    item.description = `${n} permission${n === 1 ? '' : 's'}`;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'authRole';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return this.role.permissions.map((p) => new PermissionNode(this.connection, this.role.name, p, this));
  }
}

const TYPE_LABEL: Record<Permission['type'], string> = { read: 'read', write: 'write', readwrite: 'read + write' };

export class PermissionNode implements TreeNode {
  readonly target: Target;

  constructor(
    connection: string,
    role: string,
    readonly permission: Permission,
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'role', connection, role, permission: { key: permission.key, rangeEnd: permission.rangeEnd } };
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.permission;
    const item = new vscode.TreeItem(p.range, vscode.TreeItemCollapsibleState.None);
    item.description = TYPE_LABEL[p.type];
    item.iconPath = new vscode.ThemeIcon(p.type === 'read' ? 'eye' : 'edit');
    item.contextValue = 'authPermission';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
