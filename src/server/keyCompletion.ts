/**
 * Completes the key segment after the last '/' from the real keyspace. The client lists children
 * (it owns the connection); each request jumps to what is typed (`after` = prefix + typed segment),
 * so a prefix with a million children still answers in one small page, and the list is marked
 * incomplete so VS Code asks again as the user types on.
 */
import { CompletionItem, CompletionItemKind, CompletionList, Position, Range } from 'vscode-languageserver';
import { keyToText } from '../core/keytree/keyText';
import type { Token } from '../core/script/tokens';
import { quoteWord } from '../core/script/tokens';
import type { KeyChildrenParams, KeyChildrenResult } from '../protocol/scriptProtocol';
import type { ScriptDocument } from './scriptDocuments';

export type KeyLister = (params: KeyChildrenParams) => Promise<KeyChildrenResult>;

export const KEY_PAGE = 200;

/** Text inside double quotes for display-form key text (keyToText's \xNN and \\ are Go escapes too). */
function inDoubleQuotes(text: string): string {
  return text.replace(/"/g, '\\"');
}

export async function keyCompletions(
  doc: ScriptDocument,
  pos: Position,
  partial: Token | undefined,
  list: KeyLister,
): Promise<CompletionList> {
  const typed = partial?.bytes ?? Buffer.alloc(0);
  const slash = typed.lastIndexOf(0x2f);
  const prefix = typed.subarray(0, slash + 1);
  const segment = typed.subarray(slash + 1);
  const res = await list({
    uri: doc.uri,
    ...(doc.script.connection ? { connection: doc.script.connection.name } : {}),
    prefixHex: prefix.toString('hex'),
    ...(segment.length ? { afterHex: Buffer.concat([prefix, segment]).toString('hex') } : {}),
    limit: KEY_PAGE,
  });
  if ('error' in res) {
    return {
      isIncomplete: true,
      items: [{ label: '(no keys)', kind: CompletionItemKind.Text, detail: res.error, insertText: '', filterText: partial?.raw ?? '' }],
    };
  }
  const quoted = partial?.raw.startsWith('"');
  // The typed segment (in the word as written) is replaced; the rest of the word stays.
  const rawSegment = partial ? partial.raw.slice(partial.raw.lastIndexOf('/') + 1).replace(/"$/, '') : '';
  const segRange: Range = { start: { line: pos.line, character: pos.character - rawSegment.length }, end: pos };
  const items = res.children
    .filter((c) => Buffer.from(c.segmentHex, 'hex').subarray(0, segment.length).equals(segment))
    .map((c): CompletionItem => {
      const seg = Buffer.from(c.segmentHex, 'hex');
      const text = keyToText(seg);
      const full = Buffer.concat([prefix, seg]);
      const bare = quoteWord(full) === full.toString('utf8');
      let textEdit;
      if (quoted) textEdit = { range: segRange, newText: inDoubleQuotes(text) };
      else if (bare || !partial) textEdit = { range: bare ? segRange : { start: pos, end: pos }, newText: bare ? text : quoteWord(full) };
      else textEdit = { range: partial.range, newText: quoteWord(full) };
      return {
        label: text,
        kind: c.kind === 'prefix' ? CompletionItemKind.Folder : CompletionItemKind.Value,
        detail:
          c.kind === 'prefix'
            ? `${c.count ?? '?'} keys · ${res.connection}`
            : `${c.size ?? 0} bytes · mod_revision ${c.modRevision ?? '?'} · ${res.connection}`,
        filterText: textEdit.newText,
        textEdit,
        sortText: (c.kind === 'prefix' ? '0' : '1') + text,
        // Going down a level opens the next list right away.
        ...(c.kind === 'prefix' ? { command: { title: 'next level', command: 'editor.action.triggerSuggest' } } : {}),
      };
    });
  return { isIncomplete: res.more, items };
}
