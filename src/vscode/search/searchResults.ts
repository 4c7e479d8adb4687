/**
 * The "Search Results" tree: one row per search (query, where, how far), its matching keys, and under
 * each key the matched lines or fields; clicking a match opens the key at it. Results stream in while
 * the search runs (the tree refreshes a few times a second, not per hit).
 */
import * as vscode from 'vscode';
import { keyToText } from '../../core/keytree/keyText';
import type { GrepHit, GrepStats, SearchQuery } from '../../core/search';
import { describeQuery } from '../../core/search/query';
import { CommandIds } from '../commands/ids';

/** What opening a match needs (the argument of etcdStudio.openSearchMatch). */
export interface MatchTarget {
  connection: string;
  keyHex: string;
  /** 1-based line of a text match. */
  line?: number;
  /** Path of a field match, to find its line in the opened document. */
  segments?: (string | number)[];
  /** The pattern, to select the matched text on the line. */
  pattern?: { source: string; flags: string };
}

export class SearchRun {
  readonly hits: GrepHit[] = [];
  state: 'running' | 'done' | 'cancelled' | 'failed' = 'running';
  scanned = 0;
  total = 0;
  stats?: GrepStats;
  error?: string;
  readonly controller = new AbortController();
  private static next = 1;
  readonly id = SearchRun.next++;

  constructor(
    readonly connection: string,
    readonly prefix: Buffer,
    readonly query: SearchQuery,
  ) {}

  get label(): string {
    return `${describeQuery(this.query)} in ${this.connection}${this.prefix.length ? ` ${keyToText(this.prefix)}` : ''}`;
  }

  get summary(): string {
    const keys = `${this.hits.length.toLocaleString('en-US')} key${this.hits.length === 1 ? '' : 's'}`;
    switch (this.state) {
      case 'running':
        return `${keys} · searching ${this.total ? Math.floor((100 * this.scanned) / this.total) : 0}%`;
      case 'cancelled':
        return `${keys} · stopped after ${this.scanned.toLocaleString('en-US')} keys`;
      case 'failed':
        return `failed: ${this.error}`;
      default: {
        const s = this.stats!;
        const skipped = s.skipped.encrypted ? ` · ${s.skipped.encrypted} encrypted not searched` : '';
        return `${keys} of ${s.scanned.toLocaleString('en-US')} · rev ${s.revision} · ${(s.ms / 1000).toFixed(1)} s${skipped}`;
      }
    }
  }
}

type Node = { kind: 'run'; run: SearchRun } | { kind: 'hit'; run: SearchRun; hit: GrepHit } | { kind: 'match'; item: vscode.TreeItem };

export class SearchResultsProvider implements vscode.TreeDataProvider<Node> {
  private readonly runs: SearchRun[] = [];
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: ReturnType<typeof setTimeout> | undefined;

  add(run: SearchRun): void {
    this.runs.unshift(run);
    this.emitter.fire(undefined);
  }

  remove(id: number): void {
    const i = this.runs.findIndex((r) => r.id === id);
    if (i >= 0) {
      this.runs[i].controller.abort();
      this.runs.splice(i, 1);
    }
    this.emitter.fire(undefined);
  }

  find(id: number): SearchRun | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** Re-renders soon (at most every 200 ms while results stream in). */
  changed(now = false): void {
    if (now) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.emitter.fire(undefined);
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire(undefined);
    }, 200);
  }

  getChildren(n?: Node): Node[] {
    if (!n) return this.runs.map((run) => ({ kind: 'run', run }));
    if (n.kind === 'run') return n.run.hits.map((hit) => ({ kind: 'hit', run: n.run, hit }));
    if (n.kind === 'hit') return matchItems(n.run, n.hit).map((item) => ({ kind: 'match', item }));
    return [];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'match') return n.item;
    if (n.kind === 'run') {
      const r = n.run;
      const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `search:${r.id}`;
      item.description = r.summary;
      item.contextValue = r.state === 'running' ? 'searchRun.running' : 'searchRun';
      item.iconPath = new vscode.ThemeIcon(
        r.state === 'running' ? 'loading~spin' : r.state === 'failed' ? 'error' : r.state === 'cancelled' ? 'debug-stop' : 'search',
      );
      item.tooltip = r.error ?? `${r.label}\n${r.summary}`;
      return item;
    }
    const { run, hit } = n;
    const text = keyToText(hit.key);
    const rel = run.prefix.length && text.startsWith(keyToText(run.prefix)) ? text.slice(keyToText(run.prefix).length) || text : text;
    const item = new vscode.TreeItem(rel, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `search:${run.id}:${hit.key.toString('hex')}`;
    const count = hit.lines.length + hit.moreLines || hit.fields.length;
    item.description = `${hit.summary} · ${count} match${count === 1 ? '' : 'es'}`;
    item.tooltip = `${text}\nrevision ${hit.modRevision} · version ${hit.version}`;
    item.iconPath = new vscode.ThemeIcon('symbol-key');
    item.contextValue = 'searchHit';
    item.command = { command: CommandIds.openSearchMatch, title: 'Open', arguments: [firstTarget(run, hit)] };
    return item;
  }
}

function target(run: SearchRun, hit: GrepHit, extra: Partial<MatchTarget>): MatchTarget {
  const p = run.query.pattern;
  return {
    connection: run.connection,
    keyHex: hit.key.toString('hex'),
    ...(p ? { pattern: { source: p.source, flags: p.flags } } : {}),
    ...extra,
  };
}

function firstTarget(run: SearchRun, hit: GrepHit): MatchTarget {
  if (hit.lines.length) return target(run, hit, { line: hit.lines[0].line });
  if (hit.fields.length) return target(run, hit, { segments: hit.fields[0].segments });
  return target(run, hit, {});
}

/** Rows under a key: each matched line (the match highlighted), or each field that matched. */
function matchItems(run: SearchRun, hit: GrepHit): vscode.TreeItem[] {
  const items: vscode.TreeItem[] = [];
  for (const l of hit.lines) {
    const shown = l.text.trimStart();
    const cut = l.text.length - shown.length;
    const m = run.query.pattern?.exec(l.text);
    const highlights: [number, number][] = m && m[0] ? [[m.index - cut, m.index - cut + m[0].length]] : [];
    const item = new vscode.TreeItem({ label: shown, highlights: highlights.filter(([a]) => a >= 0) });
    item.description = `line ${l.line}`;
    item.command = { command: CommandIds.openSearchMatch, title: 'Open', arguments: [target(run, hit, { line: l.line })] };
    items.push(item);
  }
  if (hit.moreLines) items.push(new vscode.TreeItem(`…and ${hit.moreLines} more lines (only the first ${hit.lines.length} are listed)`));
  if (!hit.lines.length) {
    for (const f of hit.fields) {
      const item = new vscode.TreeItem(`${f.path}: ${f.value}`);
      item.iconPath = new vscode.ThemeIcon('symbol-field');
      item.command = { command: CommandIds.openSearchMatch, title: 'Open', arguments: [target(run, hit, { segments: f.segments })] };
      items.push(item);
    }
  }
  return items;
}
