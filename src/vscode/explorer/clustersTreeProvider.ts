import * as vscode from 'vscode';
import type { EtcdConnection } from '../../core/etcd/connection';
import { keyToText } from '../../core/keytree/keyText';
import { ConnectionStore } from '../connections/connectionStore';
import { SnapshotNode } from '../snapshots/snapshotNode';
import { SnapshotStore } from '../snapshots/snapshotStore';
import { keyFromStore } from './keyTreeAdapter';
import { ConnectionNode } from './connectionNode';
import { KeyNode, PrefixNode } from './keyNodes';
import { TreeNode } from './node';

/** The "Clusters" view: one ConnectionNode per saved connection (kept across refreshes). */
export class ClustersTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private nodes = new Map<string, ConnectionNode>();

  private snapshotNodes = new Map<string, SnapshotNode>();

  constructor(
    private readonly store: ConnectionStore,
    private readonly snapshots: SnapshotStore,
    private readonly deps: { connect(name: string): Promise<EtcdConnection>; forgetPassword(name: string): Promise<void> },
  ) {}

  refresh(node?: TreeNode): void {
    this.emitter.fire(node);
  }

  /** Forget cached nodes (after settings changed or a full refresh). */
  reset(): void {
    this.nodes.clear();
    this.emitter.fire(undefined);
  }

  connectionNode(name: string): ConnectionNode | undefined {
    return this.nodes.get(name);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /**
   * Reveals a key: builds its chain of prefix nodes (ids match the ones the tree lists) and asks
   * VS Code to expand down to it.
   */
  async revealKey(view: vscode.TreeView<TreeNode>, connection: string, key: Buffer): Promise<KeyNode | undefined> {
    const conn = this.nodes.get(connection);
    if (!conn) return undefined;
    if (!conn.keys) await conn.getChildren();
    const root = conn.keys;
    if (!root) return undefined;
    let parent: PrefixNode = root;
    for (let i = root.prefix.length; i < key.length; i++) {
      if (key[i] === 0x2f && i < key.length - 1) {
        parent = new PrefixNode(root.ctx, key.subarray(0, i + 1), keyToText(key.subarray(parent.prefix.length, i + 1)), undefined, parent);
      }
    }
    const child = await keyFromStore(await this.deps.connect(connection), key);
    if (!child) return undefined;
    const node = new KeyNode(root.ctx, child, parent);
    await view.reveal(node, { select: true, focus: true, expand: false });
    return node;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    return node.getTreeItem();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.getChildren();
    const next = new Map<string, ConnectionNode>();
    for (const p of this.store.list()) {
      const existing = this.nodes.get(p.name);
      next.set(
        p.name,
        existing && JSON.stringify(existing.profile) === JSON.stringify(p)
          ? existing
          : new ConnectionNode(p, {
              connect: this.deps.connect,
              refresh: (n) => this.refresh(n),
              forgetPassword: this.deps.forgetPassword,
            }),
      );
    }
    this.nodes = next;
    const snaps = new Map<string, SnapshotNode>();
    for (const o of this.snapshots.list()) snaps.set(o.file, this.snapshotNodes.get(o.file) ?? new SnapshotNode(o, (n) => this.refresh(n)));
    this.snapshotNodes = snaps;
    return [...next.values(), ...snaps.values()];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
