import * as vscode from 'vscode';
import { MemberInfo } from '../../core/etcd/members';
import { TreeNode } from './node';

export class MemberNode implements TreeNode {
  constructor(readonly member: MemberInfo, private readonly leaderId: string | undefined) {}

  getTreeItem(): vscode.TreeItem {
    const m = this.member;
    const leader = m.id === this.leaderId;
    const item = new vscode.TreeItem(m.name || `(unstarted ${m.id})`, vscode.TreeItemCollapsibleState.None);
    item.description = [m.id, leader ? 'leader' : '', m.isLearner ? 'learner' : '', m.clientUrls.join(', ')].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(leader ? 'star-full' : 'server');
    item.tooltip = new vscode.MarkdownString([
      `**${m.name || 'unstarted member'}**`,
      `- id: \`${m.id}\``,
      `- peer URLs: ${m.peerUrls.join(', ') || '—'}`,
      `- client URLs: ${m.clientUrls.join(', ') || '—'}`,
      `- leader: ${leader}`,
      `- learner: ${m.isLearner}`,
    ].join('\n'));
    item.contextValue = 'member';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
