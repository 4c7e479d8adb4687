/**
 * The search feature: "Search Values…" on a connection or prefix (or the palette) asks for a query —
 * text, /regex/, field matches — and streams the matching keys into the Search Results view, with
 * progress and Stop; a match opens the key with the matched text selected.
 */
import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { EtcdStudioError, errorMessage } from '../../core/errors';
import { parseText } from '../../core/k8s/yaml';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { Logger } from '../../core/log';
import { compileQuery, grepPrefix, parseSearchLine } from '../../core/search';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { openKey } from '../fs/keyCommands';
import { decryptorOf } from '../fs/valueRendering';
import { ConnectionNode } from '../tree/connectionNode';
import { PrefixNode } from '../tree/keyNodes';
import { MatchTarget, SearchResultsProvider, SearchRun } from './searchResults';

export interface SearchDeps {
  log: Logger;
  store: ConnectionStore;
  sessions: Sessions;
}

export const SEARCH_VIEW = 'etcdStudio.searchResults';

const PLACEHOLDER = 'nginx:1.25   /regex/i   spec.containers[*].image=~nginx   metadata.labels.app=web';

async function where(deps: SearchDeps, arg: ConnectionNode | PrefixNode | string | undefined, prefixText?: string) {
  if (arg instanceof PrefixNode) {
    if (arg.ctx.source.kind !== 'live')
      throw new EtcdStudioError('InvalidArgument', 'Search works on live connections; open the snapshot in a cluster to search it.');
    return { connection: arg.ctx.source.conn.profile.name, prefix: arg.prefix };
  }
  let name = arg instanceof ConnectionNode ? arg.profile.name : arg;
  if (!name) {
    const names = deps.store.list().map((p) => p.name);
    name = names.length === 1 ? names[0] : await vscode.window.showQuickPick(names, { title: 'Search the values of which connection?' });
    if (!name) return undefined;
  }
  const prefix = prefixText !== undefined ? keyFromText(prefixText) : Buffer.from(deps.store.get(name)?.prefix ?? '');
  return { connection: name, prefix };
}

/** Opens the key of a match and selects it: the matched text of a line, or the value of a field. */
async function openMatch(deps: SearchDeps, t: MatchTarget): Promise<vscode.TextEditor> {
  const editor = await openKey(deps.sessions, t.connection, Buffer.from(t.keyHex, 'hex'));
  const doc = editor.document;
  let line = t.line;
  if (line === undefined && t.segments) {
    try {
      line = parseText(doc.getText()).lineOf(t.segments);
    } catch {
      line = undefined;
    }
  }
  if (line === undefined || line < 1 || line > doc.lineCount) return editor;
  const text = doc.lineAt(line - 1).text;
  let start = text.length - text.trimStart().length;
  let end = text.length;
  if (t.pattern && t.line !== undefined) {
    const m = new RegExp(t.pattern.source, t.pattern.flags.replace('g', '')).exec(text);
    if (m) [start, end] = [m.index, m.index + m[0].length];
  } else {
    const colon = text.indexOf(': ');
    if (colon >= 0) start = colon + 2;
  }
  editor.selection = new vscode.Selection(line - 1, start, line - 1, end);
  editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

export function registerSearch(ctx: vscode.ExtensionContext, deps: SearchDeps): SearchResultsProvider {
  const results = new SearchResultsProvider();
  const view = vscode.window.createTreeView(SEARCH_VIEW, { treeDataProvider: results, showCollapseAll: true });
  ctx.subscriptions.push(view);

  registerCommand(
    ctx,
    deps.log,
    CommandIds.searchValues,
    async (arg?: ConnectionNode | PrefixNode | string, prefixText?: string, queryText?: string) => {
      const at = await where(deps, arg, prefixText);
      if (!at) return undefined;
      const line =
        queryText ??
        (await vscode.window.showInputBox({
          title: `Search the decoded values under ${at.prefix.length ? keyToText(at.prefix) : 'all keys'} in ${at.connection}`,
          prompt: 'Text, /regex/ (i for ignore case), and field matches PATH=VALUE, PATH=~REGEX, PATH!=VALUE; "quote" text with = in it',
          placeHolder: PLACEHOLDER,
          validateInput: (v) => {
            if (!v.trim()) return undefined;
            try {
              compileQuery(parseSearchLine(v));
              return undefined;
            } catch (e) {
              return errorMessage(e);
            }
          },
        }));
      if (!line?.trim()) return undefined;
      const query = compileQuery(parseSearchLine(line));
      const conn = await deps.sessions.get(at.connection);
      const decrypt = decryptorOf(conn.profile);
      const run = new SearchRun(at.connection, at.prefix, query);
      results.add(run);
      await vscode.commands.executeCommand(`${SEARCH_VIEW}.focus`);
      await vscode.window.withProgress(
        { location: { viewId: SEARCH_VIEW }, title: `Searching ${at.connection}`, cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => run.controller.abort());
          try {
            run.stats = await grepPrefix(
              conn,
              at.prefix,
              query,
              (hit) => {
                run.hits.push(hit);
                results.changed();
              },
              {
                signal: run.controller.signal,
                decrypt,
                onProgress: (scanned, total) => {
                  run.scanned = scanned;
                  run.total = total;
                  progress.report({ message: `${scanned.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} keys` });
                  results.changed();
                },
              },
            );
            run.state = 'done';
          } catch (e) {
            if (e instanceof EtcdStudioError && e.code === 'Cancelled') run.state = 'cancelled';
            else {
              run.state = 'failed';
              run.error = errorMessage(e);
              throw e;
            }
          } finally {
            sub.dispose();
            results.changed(true);
          }
        },
      );
      return { id: run.id, state: run.state, keys: run.hits.map((h) => keyToText(h.key)) };
    },
  );
  registerCommand(ctx, deps.log, CommandIds.stopSearch, (n?: { run?: SearchRun }) => n?.run?.controller.abort());
  registerCommand(ctx, deps.log, CommandIds.removeSearch, (n?: { run?: SearchRun }) => n?.run && results.remove(n.run.id));
  registerCommand(ctx, deps.log, CommandIds.openSearchMatch, async (t: MatchTarget) => {
    const editor = await openMatch(deps, t);
    return {
      uri: editor.document.uri.toString(),
      line: editor.selection.active.line + 1,
      selected: editor.document.getText(editor.selection),
    };
  });
  return results;
}
