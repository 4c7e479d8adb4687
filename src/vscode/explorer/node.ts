import * as vscode from 'vscode';
import type { EtcdConnection } from '../../core/etcd/connection';
import type { Target } from '../commands/targets';

/** One level of the Clusters tree; each kind of node is its own class. */
export interface TreeNode {
  /** For TreeView.reveal (Go to key). */
  readonly parent?: TreeNode;
  /** What the node points at, for the commands run on it (see commands/targets.ts); none for message rows. */
  readonly target?: Target;
  getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren(): Promise<TreeNode[]>;
  /**
   * Prefix rows: forget the loaded children, so Refresh lists them again. (Commands ask for the method,
   * never `instanceof`: the nodes' classes are bundled into more than one lazily loaded file.)
   */
  reset?(): void;
  /** Prefix and "Load more" rows: list the next page of the prefix. */
  loadMore?(): Promise<void>;
}

/** What nodes need: connections by name (always the current settings' one) and a way to re-render. */
export interface NodeContext {
  connect(name: string): Promise<EtcdConnection>;
  refresh(node?: TreeNode): void;
}

/** A leaf that shows a message in the tree (errors, "nothing here"). */
export class MessageNode implements TreeNode {
  constructor(
    private readonly label: string,
    private readonly icon: string,
    private readonly tooltip?: string,
  ) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip ?? this.label;
    item.contextValue = 'message';
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
