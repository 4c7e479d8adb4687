import * as vscode from 'vscode';
import type { EndpointStatus } from '../../core/etcd/connection';
import { capabilityRows } from './capabilityRows';
import { ConnectionProfile } from '../../core/etcd/profile';
import { EtcdStudioError, errorMessage } from '../../core/errors';
import type { Target } from '../commands/targets';
import type { PrefixNode } from './keyNodes';
import { MessageNode, NodeContext, TreeNode } from './node';

export interface ConnectionNodeDeps extends NodeContext {
  /** Called when etcd rejected the saved password, so the next attempt asks again. */
  forgetPassword(name: string): Promise<void>;
}

/** A saved connection. Connects when expanded; shows status like the header of `etcdctl -w json`. */
export class ConnectionNode implements TreeNode {
  private status: EndpointStatus | undefined;
  private error: string | undefined;
  keys: PrefixNode | undefined;
  readonly target: Target;

  constructor(
    readonly profile: ConnectionProfile,
    private readonly deps: ConnectionNodeDeps,
  ) {
    this.target = { kind: 'connection', connection: profile.name };
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.profile;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `connection:${p.name}`;
    const s = this.status;
    item.contextValue = s ? 'connection.connected' : 'connection';
    const flags = [p.readOnly ? 'read-only' : '', p.insecureSkipVerify ? '⚠ TLS verification off' : ''].filter(Boolean);
    if (this.error) {
      item.description = ['not connected', ...flags].join(' · ');
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    } else if (s) {
      item.description = [`v${s.version}`, `rev ${s.revision}`, ...flags].join(' · ');
      item.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('charts.green'));
    } else {
      item.description = [p.endpoints.join(', '), ...flags].join(' · ');
      item.iconPath = new vscode.ThemeIcon('database');
    }
    if (p.insecureSkipVerify) item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    item.tooltip = new vscode.MarkdownString(
      [
        `**${p.name}**${p.readOnly ? ' (read-only)' : ''}`,
        ...(p.insecureSkipVerify ? ['', '$(warning) **TLS verification is off**: the server certificate is not checked.'] : []),
        '',
        '| | |',
        '|---|---|',
        `| endpoints | ${p.endpoints.join(', ')} |`,
        ...(p.cacert ? [`| CA | \`${p.cacert}\` |`] : []),
        ...(p.cert ? [`| client cert | \`${p.cert}\` |`] : []),
        ...(p.username ? [`| user | ${p.username} |`] : []),
        ...(p.prefix ? [`| key prefix | \`${p.prefix}\` |`] : []),
        ...(s
          ? [
              `| cluster_id | \`${s.clusterId}\` |`,
              `| member_id | \`${s.memberId}\` |`,
              `| revision | ${s.revision} |`,
              `| raft_term | ${s.raftTerm} |`,
              `| version | ${s.version} |`,
              ...capabilityRows(s.version),
            ]
          : []),
        ...(this.error ? [`| error | ${this.error.replace(/\|/g, '\\|')} |`] : []),
      ].join('\n'),
      true,
    );
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const before = this.state();
    try {
      const name = this.profile.name;
      const conn = await this.deps.connect(name);
      this.status = await conn.status();
      this.error = undefined;
      // The rows under a connection (and the key tree code) load with the first connection expanded.
      const { connectionChildren } = await import('./connectionChildren');
      const rows = connectionChildren(this, this.status, this.deps);
      this.keys = rows.keys;
      return rows.children;
    } catch (e) {
      this.error = errorMessage(e);
      this.status = undefined;
      if (e instanceof EtcdStudioError && e.code === 'AuthFailed') {
        await this.deps.forgetPassword(this.profile.name);
        return [new MessageNode(`${this.error} Use Refresh to enter the password again.`, 'warning')];
      }
      return [new MessageNode(this.error, 'warning', e instanceof EtcdStudioError ? e.detail : undefined)];
    } finally {
      // Re-render the label when connected/failed changes (not on every expand, which would loop).
      if (this.state() !== before) this.deps.refresh(this);
    }
  }

  private state(): string {
    return this.error !== undefined ? `error:${this.error}` : this.status ? 'connected' : 'idle';
  }
}
