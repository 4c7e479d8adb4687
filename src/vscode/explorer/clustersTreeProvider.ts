import * as vscode from 'vscode';
import type { EtcdConnection } from '../../core/etcd/connection';
import { ConnectionStore } from '../connections/connectionStore';
import type { SnapshotNode } from '../snapshots/snapshotNode';
import { SnapshotStore } from '../snapshots/snapshotStore';
import { ConnectionNode } from './connectionNode';
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
    const opened = this.snapshots.list();
    // Snapshot rows (and the key tree code they need) load once a snapshot is open, not at activation.
    const { SnapshotNode } = opened.length ? await import('../snapshots/snapshotNode') : { SnapshotNode: undefined };
    for (const o of opened) snaps.set(o.file, this.snapshotNodes.get(o.file) ?? new SnapshotNode!(o, (n) => this.refresh(n)));
    this.snapshotNodes = snaps;
    return [...next.values(), ...snaps.values()];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
