import * as vscode from 'vscode';
import { endpointHealth, endpointStatus } from '../../core/etcd/endpoints';
import { listMembers } from '../../core/etcd/members';
import type { Target } from '../commands/targets';
import { NodeContext, TreeNode } from '../explorer/node';
import { MemberNode } from './memberNode';

/** "Members": `member list` joined with each member's own health and status, fetched in parallel. */
export class MembersNode implements TreeNode {
  readonly target: Target;

  constructor(
    private readonly connection: string,
    private readonly leaderId: string,
    readonly parent: TreeNode,
    private readonly nodes: NodeContext,
  ) {
    this.target = { kind: 'connection', connection };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Members', vscode.TreeItemCollapsibleState.Expanded);
    item.id = `members:${this.connection}`;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'members';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const conn = await this.nodes.connect(this.connection);
    const members = await listMembers(conn);
    const profile = conn.profile;
    const opts = conn.connectOptions;
    const base = { connection: profile.name, leaderId: this.leaderId };
    return Promise.all(
      members.map(async (member) => {
        const url = member.clientUrls[0];
        if (!url) return new MemberNode({ ...base, member }, this);
        const [status, health] = await Promise.all([endpointStatus(profile, url, opts), endpointHealth(profile, url, opts)]);
        return 'memberId' in status
          ? new MemberNode({ ...base, member, status, health }, this)
          : new MemberNode({ ...base, member, health, statusError: status.error }, this);
      }),
    );
  }
}
