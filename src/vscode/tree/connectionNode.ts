import * as vscode from 'vscode';
import { EndpointStatus } from '../../core/etcd/connection';
import { ConnectionProfile } from '../../core/etcd/profile';
import { Sessions } from '../../core/etcd/sessions';
import { errorMessage } from '../../core/errors';
import { MembersNode } from './membersNode';
import { MessageNode, TreeNode } from './node';

/** A saved connection. Connects when expanded; shows status like the header of `etcdctl -w json`. */
export class ConnectionNode implements TreeNode {
  private status: EndpointStatus | undefined;
  private error: string | undefined;

  constructor(
    readonly profile: ConnectionProfile,
    private readonly sessions: Sessions,
    private readonly changed: (node: TreeNode) => void,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const p = this.profile;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `connection:${p.name}`;
    item.contextValue = 'connection';
    const s = this.status;
    if (this.error) {
      item.description = 'error';
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    } else if (s) {
      item.description = `v${s.version} · rev ${s.revision}${p.readOnly ? ' · read-only' : ''}`;
      item.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('charts.green'));
    } else {
      item.description = p.endpoints.join(', ');
      item.iconPath = new vscode.ThemeIcon('database');
    }
    item.tooltip = new vscode.MarkdownString([
      `**${p.name}**${p.readOnly ? ' (read-only)' : ''}`,
      `- endpoints: ${p.endpoints.join(', ')}`,
      ...(p.cacert ? [`- CA: \`${p.cacert}\``] : []),
      ...(p.cert ? [`- client cert: \`${p.cert}\``] : []),
      ...(p.username ? [`- user: ${p.username}`] : []),
      ...(s ? [
        `- cluster_id: \`${s.clusterId}\``, `- member_id: \`${s.memberId}\``,
        `- revision: ${s.revision}`, `- raft_term: ${s.raftTerm}`,
      ] : []),
      ...(this.error ? [`- error: ${this.error}`] : []),
    ].join('\n'));
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const before = this.state();
    try {
      const conn = await this.sessions.get(this.profile.name);
      this.status = await conn.status();
      this.error = undefined;
      return [new MembersNode(conn, this.status.leader)];
    } catch (e) {
      this.error = errorMessage(e);
      this.status = undefined;
      return [new MessageNode(this.error, 'warning')];
    } finally {
      // Re-render the label when connected/failed changes (not on every expand, which would loop).
      if (this.state() !== before) this.changed(this);
    }
  }

  private state(): string {
    return this.error !== undefined ? `error:${this.error}` : this.status ? 'connected' : 'idle';
  }
}
