import * as vscode from 'vscode';

/** One level of the Clusters tree; each kind of node is its own class. */
export interface TreeNode {
  /** For TreeView.reveal (Go to key). */
  readonly parent?: TreeNode;
  getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren(): Promise<TreeNode[]>;
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
