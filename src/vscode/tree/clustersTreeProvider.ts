import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { ConnectionStore } from '../connections/connectionStore';
import { ConnectionNode } from './connectionNode';
import { TreeNode } from './node';

/** The "Clusters" view: one ConnectionNode per saved connection. */
export class ClustersTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly store: ConnectionStore, private readonly sessions: Sessions) {}

  refresh(node?: TreeNode): void {
    this.emitter.fire(node);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    return node.getTreeItem();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.getChildren();
    return this.store.list().map((p) => new ConnectionNode(p, this.sessions, (n) => this.refresh(n)));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
