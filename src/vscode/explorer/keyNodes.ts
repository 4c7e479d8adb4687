import * as vscode from 'vscode';
import { humanBytes } from '../../core/format';
import { keyLabel, KeyTreeChild, levelOf } from './keyTreeAdapter';
import { KeySource } from './keySource';
import { CommandIds } from '../commands/ids';
import type { Target } from '../commands/targets';
import { TreeNode } from './node';

/** Page size of a prefix's children; "Load more…" fetches the next page. */
export const PAGE_SIZE = 1000;

/** Shared by every key node of one tree: where children come from and a way to re-render. */
export interface KeyTreeContext {
  source: KeySource;
  refresh(node?: TreeNode): void;
}

const RESOURCE_ICONS: Record<string, string> = {
  pods: 'vm',
  deployments: 'layers',
  replicasets: 'layers',
  statefulsets: 'layers',
  daemonsets: 'layers',
  services: 'plug',
  'services/specs': 'plug',
  'services/endpoints': 'plug',
  endpointslices: 'plug',
  ingress: 'globe',
  configmaps: 'settings',
  secrets: 'lock',
  namespaces: 'symbol-namespace',
  minions: 'server',
  nodes: 'server',
  events: 'history',
  leases: 'watch',
  serviceaccounts: 'account',
  roles: 'shield',
  rolebindings: 'shield',
  clusterroles: 'shield',
  clusterrolebindings: 'shield',
  jobs: 'play',
  cronjobs: 'clock',
  persistentvolumes: 'database',
  persistentvolumeclaims: 'database',
};

/** A prefix (a "folder" of keys): lists its direct children lazily, a page at a time. */
export class PrefixNode implements TreeNode {
  readonly target: Target;
  private pages: KeyTreeChild[][] = [];
  private next: Buffer | undefined;
  private revision: number | undefined;
  private loaded = false;
  /** An only child is expanded at once: `/` and `registry/` in a Kubernetes keyspace. */
  expandOnShow = false;

  /** `segment`: the escaped part after the parent prefix, e.g. `pods/` (what the row shows). */
  constructor(
    readonly ctx: KeyTreeContext,
    readonly prefix: Buffer,
    readonly segment: string,
    readonly count: number | undefined,
    readonly parent: TreeNode | undefined,
    private readonly isRoot = false,
  ) {
    this.target = ctx.source.prefixTarget(prefix);
  }

  getTreeItem(): vscode.TreeItem {
    const level = levelOf(this.prefix);
    const label = this.isRoot ? 'Keys' : this.segment;
    const item = new vscode.TreeItem(
      label,
      this.isRoot || this.expandOnShow ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    const snapshot = this.ctx.source.kind === 'snapshot';
    item.id = `prefix:${this.ctx.source.id}:${this.prefix.toString('hex')}`;
    item.contextValue = (snapshot ? 'snapshot.' : '') + (this.isRoot ? 'keysRoot' : 'prefix');
    const parts: string[] = [];
    if (this.isRoot && this.prefix.length) parts.push(keyLabel(this.prefix));
    if (this.count !== undefined) parts.push(`${this.count.toLocaleString('en-US')} key${this.count === 1 ? '' : 's'}`);
    if (level.hint) parts.push(level.hint);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      this.isRoot
        ? 'key'
        : level.kind === 'resource'
          ? (RESOURCE_ICONS[level.resource ?? ''] ?? 'symbol-class')
          : level.kind === 'namespace'
            ? 'symbol-namespace'
            : 'folder',
    );
    item.tooltip = `${keyLabel(this.prefix)}${this.count !== undefined ? `\n${this.count} keys under this prefix` : ''}`;
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    if (!this.loaded) await this.loadPage();
    const nodes: TreeNode[] = this.pages
      .flat()
      .map((c) => (c.kind === 'prefix' ? new PrefixNode(this.ctx, c.key, c.segment, c.count, this) : new KeyNode(this.ctx, c, this)));
    if (this.next) nodes.push(new LoadMoreNode(this));
    if (nodes.length === 1 && nodes[0] instanceof PrefixNode) nodes[0].expandOnShow = true;
    return nodes;
  }

  /** Fetches the next page (or the first) and re-renders this node. */
  async loadMore(): Promise<void> {
    await this.loadPage();
    this.ctx.refresh(this);
  }

  private async loadPage(): Promise<void> {
    const more = this.loaded && this.next !== undefined;
    const r = await this.ctx.source.list(this.prefix, {
      limit: PAGE_SIZE,
      after: more ? this.next : undefined,
      revision: more ? this.revision : undefined,
    });
    this.pages.push(r.children);
    this.next = r.next;
    this.revision = r.revision;
    this.loaded = true;
  }

  reset(): void {
    this.pages = [];
    this.next = undefined;
    this.revision = undefined;
    this.loaded = false;
  }
}

/** A key: its name, value size, version and mod_revision; Kubernetes objects get their kind's icon. */
export class KeyNode implements TreeNode {
  readonly target: Target;

  constructor(
    readonly ctx: KeyTreeContext,
    readonly child: Extract<KeyTreeChild, { kind: 'key' }>,
    readonly parent: TreeNode | undefined,
  ) {
    this.target = ctx.source.keyTarget(child.key);
  }

  get key(): Buffer {
    return this.child.key;
  }

  getTreeItem(): vscode.TreeItem {
    const c = this.child;
    const item = new vscode.TreeItem(c.segment || '(this key)', vscode.TreeItemCollapsibleState.None);
    const snapshot = this.ctx.source.kind === 'snapshot';
    item.id = `key:${this.ctx.source.id}:${c.key.toString('hex')}`;
    item.contextValue = snapshot ? 'snapshot.key' : 'key';
    item.command = { command: snapshot ? CommandIds.openSnapshotKey : CommandIds.openKey, title: 'Open', arguments: [this] };
    item.description = `${humanBytes(c.size)} · v${c.version} · rev ${c.modRevision}`;
    const level = levelOf(c.key);
    item.iconPath = new vscode.ThemeIcon(
      level.kind === 'object' ? (RESOURCE_ICONS[level.resource ?? ''] ?? 'symbol-object') : 'symbol-key',
    );
    item.tooltip = new vscode.MarkdownString(
      [
        `\`${keyLabel(c.key).replace(/`/g, '\\`')}\``,
        '',
        `| | |`,
        `|---|---|`,
        `| size | ${humanBytes(c.size)} (${c.size} bytes) |`,
        `| version | ${c.version} |`,
        `| create_revision | ${c.createRevision} |`,
        `| mod_revision | ${c.modRevision} |`,
        `| lease | ${c.lease && c.lease !== '0' ? c.lease : 'none'} |`,
        ...(level.kind === 'object' ? [`| Kubernetes | ${level.hint ?? level.resource} |`] : []),
      ].join('\n'),
    );
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}

/** The last row of a long listing: fetches the next page when clicked. */
export class LoadMoreNode implements TreeNode {
  constructor(readonly parent: PrefixNode) {}

  get target(): Target {
    return this.parent.target;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'loadMore';
    item.tooltip = `Fetch the next ${PAGE_SIZE} children`;
    item.command = { command: CommandIds.loadMore, title: 'Load more', arguments: [this] };
    return item;
  }

  loadMore(): Promise<void> {
    return this.parent.loadMore();
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
