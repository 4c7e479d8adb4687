import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { EtcdStudioApi } from '../../src/extension';
import { addTestConnection } from './testConnection';

const CONN = 'it-search';

type SearchResult = { id: number; state: string; keys: string[] };
type Opened = { uri: string; line: number; selected: string };
type Shown = {
  source: string;
  prefix: string;
  keys: number;
  bytes: number;
  children: { prefix: string; keys: number; bytes: number }[];
  largest: string[];
  history?: { revisions: number; historyBytes: number };
};

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label!.label);

describe('Search Values and Space (real extension host, real etcd)', () => {
  let api: EtcdStudioApi;
  let dir: string;
  before(async () => {
    api = await addTestConnection(CONN);
    dir = mkdtempSync(path.join(tmpdir(), 'it-space-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', CONN);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a text search lists the matching keys in Search Results; a match opens the key with the text selected', async () => {
    const r = await vscode.commands.executeCommand<SearchResult>(
      'etcdStudio.searchValues',
      { connection: CONN, prefix: '/registry/' },
      { query: 'registry.example.com/web' },
    );
    assert.equal(r.state, 'done');
    assert.ok(r.keys.length >= 1);
    for (const k of r.keys) assert.match(k, /^\/registry\/(pods|deployments)\/default\/web/);
    const key = r.keys.find((k) => k.startsWith('/registry/pods/'))!;
    const opened = await vscode.commands.executeCommand<Opened>('etcdStudio.openSearchMatch', {
      connection: CONN,
      keyHex: Buffer.from(key).toString('hex'),
      line: undefined,
      segments: ['spec', 'containers', 0, 'image'],
    });
    assert.match(opened.uri, /^etcd:\/\/it-search\/registry\/pods\/default\/web-/);
    assert.match(opened.selected, /^registry\.example\.com\/web:/);
    const editor = vscode.window.activeTextEditor!;
    assert.match(editor.document.lineAt(opened.line - 1).text, /^\s*(- )?image: registry\.example\.com\/web:/);
  });

  it('a field match and a regex: the line of the match is selected', async () => {
    const r = await vscode.commands.executeCommand<SearchResult>(
      'etcdStudio.searchValues',
      { connection: CONN, prefix: '' },
      { query: '/replicas: 3/ kind=Deployment' },
    );
    assert.equal(r.state, 'done');
    assert.ok(r.keys.length >= 3);
    assert.ok(r.keys.every((k) => k.startsWith('/registry/deployments/')));
    const opened = await vscode.commands.executeCommand<Opened>('etcdStudio.openSearchMatch', {
      connection: CONN,
      keyHex: Buffer.from(r.keys[0]).toString('hex'),
      line: undefined,
      pattern: { source: 'replicas: 3', flags: '' },
    });
    // Without a line the key opens at the top; with the line the match is selected.
    assert.equal(opened.selected, '');
    const doc = vscode.window.activeTextEditor!.document;
    const line =
      doc
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('replicas: 3')) + 1;
    const again = await vscode.commands.executeCommand<Opened>('etcdStudio.openSearchMatch', {
      connection: CONN,
      keyHex: Buffer.from(r.keys[0]).toString('hex'),
      line,
      pattern: { source: 'replicas: 3', flags: '' },
    });
    assert.equal(again.line, line);
    assert.equal(again.selected, 'replicas: 3');
  });

  it('the Search Results view lists the search, its keys and matched lines; clicking a line opens the key there', async () => {
    await vscode.commands.executeCommand<SearchResult>(
      'etcdStudio.searchValues',
      { connection: CONN, prefix: '/registry/' },
      { query: '/replicas: \\d/' },
    );
    const [run] = api.searchResults.getChildren();
    const runItem = api.searchResults.getTreeItem(run);
    assert.equal(label(runItem), '/replicas: \\d/ in it-search /registry/');
    assert.match(String(runItem.description), /^\d+ keys? of \d+ · rev \d+ · [\d.]+ s( · \d+ encrypted not searched)?$/);
    const hits = api.searchResults.getChildren(run);
    assert.ok(hits.length >= 3);
    const hitItem = api.searchResults.getTreeItem(hits[0]);
    assert.match(label(hitItem), /^deployments\//);
    const [, n] = /^apps\/v1 Deployment · (\d+) match(?:es)?$/.exec(String(hitItem.description))!;
    const matches = api.searchResults.getChildren(hits[0]).map((x) => api.searchResults.getTreeItem(x));
    assert.equal(matches.length, Number(n));
    const [match] = matches;
    assert.match(label(match), /^replicas: \d$/);
    assert.match(String(match.description), /^line \d+$/);
    const opened = await vscode.commands.executeCommand<Opened>(match.command!.command, ...match.command!.arguments!);
    assert.equal(`line ${opened.line}`, match.description);
    assert.match(opened.selected, /^replicas: \d$/);
    assert.equal(vscode.window.activeTextEditor!.document.lineAt(opened.line - 1).text.trim(), opened.selected);
  });

  it('a search that matches nothing says so; bad input is refused with what to fix', async () => {
    const r = await vscode.commands.executeCommand<SearchResult>(
      'etcdStudio.searchValues',
      { connection: CONN, prefix: '/registry/' },
      { query: 'no-such-text-anywhere-42' },
    );
    assert.deepEqual([r.state, r.keys], ['done', []]);
    assert.match(String(api.searchResults.getTreeItem(api.searchResults.getChildren()[0]).description), /^0 keys of \d+/);
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(
          'etcdStudio.searchValues',
          { connection: CONN, prefix: '/registry/' },
          { query: 'spec.replicas=~(' },
        ),
      ),
      /Field match "spec\.replicas=~\(": the regular expression is invalid/,
    );
  });

  it('Show Space opens the Space view of a connection at a prefix, with the figures of every child prefix', async () => {
    const shown = await vscode.commands.executeCommand<Shown>('etcdStudio.showSpace', { connection: CONN, prefix: '/registry/' });
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab!;
    assert.equal(tab.label, `Space: ${CONN}`);
    assert.ok(tab.input instanceof vscode.TabInputWebview);
    assert.equal(shown.source, 'live');
    assert.equal(shown.prefix, '/registry/');
    assert.ok(shown.children.some((c) => c.prefix === '/registry/pods/' && c.keys > 0));
    assert.equal(
      shown.children.reduce((n, c) => n + c.keys, 0),
      shown.keys,
    );
  });

  it('Show Space from a snapshot file: the same per-prefix figures, plus history; the view opens beside the live one', async () => {
    const file = path.join(dir, 'space.db');
    const endpoint = process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',')[0];
    await vscode.commands.executeCommand('etcdStudio.snapshotSave', CONN, { file, endpoint });
    const live = await vscode.commands.executeCommand<Shown>('etcdStudio.showSpace', { connection: CONN, prefix: '/registry/' });
    const offline = await vscode.commands.executeCommand<Shown>('etcdStudio.showSpace', { file }, { prefix: '/registry/' });
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab!.label, 'Space: space.db');
    assert.equal(offline.source, 'snapshot');
    assert.deepEqual(
      offline.children.map((c) => [c.prefix, c.keys, c.bytes]),
      live.children.map((c) => [c.prefix, c.keys, c.bytes]),
    );
    assert.ok(offline.history && offline.history.revisions >= offline.keys, JSON.stringify(offline.history));
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label.startsWith('Space: ')).length, 2);
  });
});
