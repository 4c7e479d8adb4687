import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { endpointHealth, endpointStatus } from '../../core/etcd/endpoints';
import { listMembers } from '../../core/etcd/members';
import { MemberNode } from './memberNode';
import { TreeNode } from './node';

/** "Members": `member list` joined with each member's own health and status, fetched in parallel. */
export class MembersNode implements TreeNode {
  constructor(
    private readonly conn: EtcdConnection,
    private readonly leaderId: string,
    readonly parent: TreeNode,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Members', vscode.TreeItemCollapsibleState.Expanded);
    item.id = `members:${this.conn.profile.name}`;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'members';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const members = await listMembers(this.conn);
    const profile = this.conn.profile;
    const opts = this.conn.connectOptions;
    return Promise.all(
      members.map(async (member) => {
        const url = member.clientUrls[0];
        if (!url) return new MemberNode({ connection: profile.name, member, leaderId: this.leaderId }, this);
        const [status, health] = await Promise.all([endpointStatus(profile, url, opts), endpointHealth(profile, url, opts)]);
        return 'memberId' in status
          ? new MemberNode({ connection: profile.name, member, leaderId: this.leaderId, status, health }, this)
          : new MemberNode({ connection: profile.name, member, leaderId: this.leaderId, health, statusError: status.error }, this);
      }),
    );
  }
}
