import * as vscode from 'vscode';
import { LeaseInfo, listLeases } from '../../core/leases';
import { CommandIds } from '../commands/ids';
import type { Target } from '../commands/targets';
import { MessageNode, NodeContext, TreeNode } from '../explorer/node';

/** "Leases" under a connection: every lease with its TTLs and attached keys. */
export class LeasesNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly connection: string,
    readonly parent: TreeNode,
    private readonly nodes: NodeContext,
  ) {
    this.target = { kind: 'connection', connection };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Leases', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `leases:${this.connection}`;
    item.iconPath = new vscode.ThemeIcon('watch');
    item.contextValue = 'leases';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const leases = await listLeases(await this.nodes.connect(this.connection));
    if (leases.length === 0) return [new MessageNode('No leases', 'info')];
    return leases.map((l) => new LeaseNode(this.connection, l, this));
  }
}

export class LeaseNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly connection: string,
    readonly lease: LeaseInfo,
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'lease', connection, leaseId: lease.id };
  }

  getTreeItem(): vscode.TreeItem {
    const l = this.lease;
    const item = new vscode.TreeItem(
      l.id,
      l.keys.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `lease:${this.connection}:${l.id}`;
    item.description = `${l.remainingTtl} s left of ${l.grantedTtl} s · ${l.keys.length} key${l.keys.length === 1 ? '' : 's'}`;
    item.iconPath = new vscode.ThemeIcon('clock');
    item.contextValue = 'lease';
    item.tooltip = `lease ${l.id}\ngranted TTL ${l.grantedTtl} s, remaining ${l.remainingTtl} s\n${l.keyTexts.join('\n')}`;
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return this.lease.keys.map((k, i) => new LeaseKeyNode(this.connection, k, this.lease.keyTexts[i], this));
  }
}

/** A key attached to a lease; opens like any key. */
export class LeaseKeyNode implements TreeNode {
  readonly target: Target;

  constructor(
    connection: string,
    readonly key: Buffer,
    readonly text: string,
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'key', connection, key };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('symbol-key');
    item.contextValue = 'leaseKey';
    item.command = { command: CommandIds.openKey, title: 'Open', arguments: [this] };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
