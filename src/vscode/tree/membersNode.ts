import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { listMembers } from '../../core/etcd/members';
import { MemberNode } from './memberNode';
import { TreeNode } from './node';

export class MembersNode implements TreeNode {
  constructor(private readonly conn: EtcdConnection, private readonly leaderId: string) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Members', vscode.TreeItemCollapsibleState.Expanded);
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'members';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const members = await listMembers(this.conn);
    return members.map((m) => new MemberNode(m, this.leaderId));
  }
}
