import * as vscode from 'vscode';
import { FEATURES, supports, unavailableReason } from '../../core/etcd/capabilities';
import type { V2Node } from '../../core/etcd/v2Keys';
import { errorMessage } from '../../core/errors';
import { CommandIds } from '../commands/ids';
import type { Target } from '../commands/targets';
import { MessageNode, NodeContext, TreeNode } from '../explorer/node';

/** Children a v2 directory shows at most (the v2 API has no paging; flannel-sized trees are far below). */
const V2_LIMIT = 1000;

/**
 * "v2 keyspace" beside the v3 keys: on etcd 3.4/3.5 with --enable-v2, the legacy store read-only; without the
 * flag, why it is empty; on 3.6+, a line saying etcd removed it.
 */
export class V2RootNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly connection: string,
    private readonly version: string,
    readonly parent: TreeNode,
    private readonly nodes: NodeContext,
  ) {
    this.target = { kind: 'connection', connection };
  }

  getTreeItem(): vscode.TreeItem {
    const gone = !supports(this.version, 'v2Keyspace');
    const item = new vscode.TreeItem(
      'v2 keyspace',
      gone ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = `v2:${this.connection}`;
    item.iconPath = new vscode.ThemeIcon(gone ? 'circle-slash' : 'archive');
    item.contextValue = gone ? 'v2.gone' : 'v2';
    if (gone) {
      item.description = 'removed in etcd 3.6';
      item.tooltip = unavailableReason(
        this.version,
        FEATURES.find((f) => f.id === 'v2Keyspace')!,
      );
    } else {
      item.description = 'legacy · read-only';
      item.tooltip = "etcd's v2 store (e.g. flannel's /coreos.com/network/), separate from the v3 keys; shown read-only.";
    }
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    if (!supports(this.version, 'v2Keyspace')) return [];
    try {
      const conn = await this.nodes.connect(this.connection);
      const status = await conn.v2.status();
      if (status.state === 'disabled') return [new MessageNode(`Off: ${status.reason}`, 'info')];
      return await v2Children(this.nodes, this.connection, '/', this);
    } catch (e) {
      return [new MessageNode(errorMessage(e), 'warning')];
    }
  }
}

async function v2Children(nodes: NodeContext, connection: string, key: string, parent: TreeNode): Promise<TreeNode[]> {
  const dir = await (await nodes.connect(connection)).v2.get(key);
  const children = dir?.nodes ?? [];
  if (!children.length) return [new MessageNode(dir ? 'Empty directory' : `${key} no longer exists`, 'info')];
  const rows: TreeNode[] = children.slice(0, V2_LIMIT).map((n) => new V2EntryNode(nodes, connection, n, parent));
  if (children.length > V2_LIMIT)
    rows.push(new MessageNode(`${children.length - V2_LIMIT} more not shown (the v2 API has no paging)`, 'info'));
  return rows;
}

/** A v2 directory or key; a key opens its value read-only. */
export class V2EntryNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly nodes: NodeContext,
    private readonly connection: string,
    readonly node: V2Node,
    readonly parent: TreeNode,
  ) {
    this.target = { kind: 'connection', connection };
  }

  getTreeItem(): vscode.TreeItem {
    const n = this.node;
    const name = n.key.slice(n.key.lastIndexOf('/') + 1);
    const item = new vscode.TreeItem(
      n.dir ? `${name}/` : name,
      n.dir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `v2:${this.connection}:${n.key}`;
    item.iconPath = new vscode.ThemeIcon(n.dir ? 'folder' : 'symbol-key');
    item.contextValue = n.dir ? 'v2dir' : 'v2key';
    const ttl = n.ttl !== undefined ? `TTL ${n.ttl} s` : '';
    item.description = [n.dir ? '' : `${Buffer.byteLength(n.value ?? '')} B`, ttl].filter(Boolean).join(' · ');
    item.tooltip = [
      n.key,
      `modifiedIndex ${n.modifiedIndex}, createdIndex ${n.createdIndex}`,
      n.expiration ? `expires ${n.expiration}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    if (!n.dir) item.command = { command: CommandIds.openV2Key, title: 'Open', arguments: [{ connection: this.connection, v2Key: n.key }] };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    if (!this.node.dir) return [];
    try {
      return await v2Children(this.nodes, this.connection, this.node.key, this);
    } catch (e) {
      return [new MessageNode(errorMessage(e), 'warning')];
    }
  }
}
