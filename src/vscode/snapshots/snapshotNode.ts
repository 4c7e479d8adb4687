import path from 'node:path';
import * as vscode from 'vscode';
import { humanBytes } from '../../core/format';
import { minimumEtcdForStorage } from '../../core/etcd/capabilities';
import { totalKeyMeaning } from '../../core/snapshot';
import type { Target } from '../commands/targets';
import { PrefixNode } from '../explorer/keyNodes';
import { SnapshotKeySource } from '../explorer/keySource';
import { TreeNode } from '../explorer/node';
import { OpenedSnapshot } from './snapshotStore';

/** A snapshot file opened in the tree: a read-only keyspace as of the snapshot's revision. */
export class SnapshotNode implements TreeNode {
  readonly keys: PrefixNode;
  readonly target: Target;

  constructor(
    readonly opened: OpenedSnapshot,
    refresh: (n?: TreeNode) => void,
  ) {
    this.target = { kind: 'snapshot', file: opened.file };
    this.keys = new PrefixNode(
      { source: new SnapshotKeySource(opened.file, opened.snap), refresh },
      Buffer.alloc(0),
      'Keys',
      undefined,
      this,
      true,
    );
  }

  getTreeItem(): vscode.TreeItem {
    const { file, status, snap } = this.opened;
    const item = new vscode.TreeItem(path.basename(file), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `snapshot:${file}`;
    item.contextValue = 'snapshot';
    item.iconPath = new vscode.ThemeIcon('archive');
    item.description = `snapshot · rev ${status.revision} · ${snap.keyCount.toLocaleString('en-US')} keys · read-only`;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${path.basename(file)}** (read-only snapshot)`,
        '',
        '| | |',
        '|---|---|',
        `| file | \`${file}\` |`,
        `| hash | ${status.hash.toString(16)} |`,
        `| revision | ${status.revision} |`,
        `| total keys | ${status.totalKey} (${totalKeyMeaning(status)}) |`,
        `| live keys | ${snap.keyCount} |`,
        `| total size | ${humanBytes(status.totalSize)} |`,
        `| storage version | ${status.version ? `${status.version} (restored, it needs etcd ${minimumEtcdForStorage(status.version)} or newer)` : 'none (written by etcd 3.5 or older)'} |`,
      ].join('\n'),
    );
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [this.keys];
  }
}
