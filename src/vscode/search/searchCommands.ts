/** The code of the search commands, loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import { EtcdStudioError, errorMessage } from '../../core/errors';
import { parseText } from '../../core/k8s/yaml';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { compileQuery, grepPrefix, parseSearchLine } from '../../core/search';
import { decryptorOf } from '../../core/values/decryptor';
import { CommandIds } from '../commands/ids';
import { targetOf, TargetArg } from '../commands/targets';
import { openKey } from '../keys/keyCommands';
import { Services } from '../services';
import { SEARCH_VIEW } from '.';
import { MatchTarget, SearchResultsProvider, SearchRun } from './searchResults';

const PLACEHOLDER = 'nginx:1.25   /regex/i   spec.containers[*].image=~nginx   metadata.labels.app=web';

/** The connection and prefix a search runs on: a connection or prefix node, `{ connection, prefix }`, or a pick. */
async function where(s: Services, arg: TargetArg, prefixText?: string): Promise<{ connection: string; prefix: Buffer } | undefined> {
  const t = targetOf(arg);
  if (t && 'file' in t)
    throw new EtcdStudioError(
      'InvalidArgument',
      'Search Values works on live connections; restore the snapshot into a cluster to search it.',
    );
  const connection = await s.targets.connection(arg, 'Search the values of which connection?');
  if (!connection) return undefined;
  const prefix =
    prefixText !== undefined
      ? keyFromText(prefixText)
      : t?.kind === 'prefix'
        ? t.prefix
        : Buffer.from(s.store.get(connection)?.prefix ?? '');
  return { connection, prefix };
}

/** Opens the key of a match and selects it: the matched text of a line, or the value of a field. */
async function openMatch(s: Services, t: MatchTarget): Promise<vscode.TextEditor> {
  const editor = await openKey(s, t.connection, Buffer.from(t.keyHex, 'hex'));
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

/** The search commands, streaming into the Search Results view's provider. */
export function registerCommands(s: Services, results: SearchResultsProvider): void {
  s.command(CommandIds.searchValues, async (arg?: TargetArg, opts: { prefix?: string; query?: string } = {}) => {
    const at = await where(s, arg, opts.prefix);
    if (!at) return undefined;
    const line =
      opts.query ??
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
    const conn = await s.connect(at.connection);
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
  });
  s.command(CommandIds.stopSearch, (n?: { run?: SearchRun }) => n?.run?.controller.abort());
  s.command(CommandIds.removeSearch, (n?: { run?: SearchRun }) => n?.run && results.remove(n.run.id));
  s.command(CommandIds.openSearchMatch, async (t: MatchTarget) => {
    const editor = await openMatch(s, t);
    return {
      uri: editor.document.uri.toString(),
      line: editor.selection.active.line + 1,
      selected: editor.document.getText(editor.selection),
    };
  });
}
