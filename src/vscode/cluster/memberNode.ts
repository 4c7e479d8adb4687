import * as vscode from 'vscode';
import { EndpointStatus } from '../../core/etcd/connection';
import { EndpointHealth } from '../../core/etcd/endpoints';
import { MemberInfo } from '../../core/etcd/members';
import { humanBytes } from '../../core/format';
import type { Target } from '../commands/targets';
import { capabilityRows } from '../explorer/capabilityRows';
import { TreeNode } from '../explorer/node';

export interface MemberDetails {
  connection: string;
  member: MemberInfo;
  leaderId: string | undefined;
  status?: EndpointStatus;
  health?: EndpointHealth;
  statusError?: string;
}

/** One member: name, hex id, leader/learner, health with latency, version, DB size and raft index. */
export class MemberNode implements TreeNode {
  readonly target: Target;

  constructor(
    readonly details: MemberDetails,
    readonly parent: TreeNode,
  ) {
    const m = details.member;
    this.target = {
      kind: 'member',
      connection: details.connection,
      memberId: m.id,
      ...(m.clientUrls[0] ? { clientUrl: m.clientUrls[0] } : {}),
    };
  }

  getTreeItem(): vscode.TreeItem {
    const { member: m, leaderId, status: s, health: h } = this.details;
    const leader = m.id === leaderId;
    const item = new vscode.TreeItem(m.name || `(unstarted ${m.id})`, vscode.TreeItemCollapsibleState.None);
    item.id = `member:${m.id}`;
    const healthText = h ? (h.health ? `healthy ${Math.round(h.tookMs)} ms` : 'unhealthy') : undefined;
    item.description = [
      m.id,
      leader ? 'leader' : '',
      m.isLearner ? 'learner' : '',
      healthText,
      s ? `v${s.version}` : '',
      s ? humanBytes(s.dbSize) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath =
      h && !h.health
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
        : new vscode.ThemeIcon(leader ? 'star-full' : 'server', h?.health ? new vscode.ThemeColor('charts.green') : undefined);
    item.tooltip = new vscode.MarkdownString(
      [
        `**${m.name || 'unstarted member'}** \`${m.id}\`${leader ? ' — leader' : ''}${m.isLearner ? ' — learner' : ''}`,
        '',
        `| | |`,
        `|---|---|`,
        `| peer URLs | ${m.peerUrls.join(', ') || '—'} |`,
        `| client URLs | ${m.clientUrls.join(', ') || '—'} |`,
        `| health | ${h ? (h.health ? `healthy, took ${Math.round(h.tookMs)} ms` : `unhealthy: ${h.error}`) : '—'} |`,
        ...(s
          ? [
              `| version | ${s.version} |`,
              ...capabilityRows(s.version),
              `| DB size | ${humanBytes(s.dbSize)} (in use ${humanBytes(s.dbSizeInUse)}) |`,
              `| raft term | ${s.raftTerm} |`,
              `| raft index | ${s.raftIndex} (applied ${s.raftAppliedIndex}) |`,
              `| revision | ${s.revision} |`,
              ...(s.errors.length ? [`| errors | ${s.errors.join('; ')} |`] : []),
            ]
          : this.details.statusError
            ? [`| status | ${this.details.statusError} |`]
            : []),
      ].join('\n'),
    );
    item.contextValue = m.isLearner ? 'member.learner' : 'member';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
