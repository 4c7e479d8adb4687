/** Document symbols (one per command) and the Run / Run all code lenses. */
import { CodeLens, DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import { commandLabel } from '../core/script/types';
import { ScriptCommandIds } from '../protocol/scriptProtocol';
import type { ScriptDocument } from './scriptDocuments';

const MAX_NAME = 80;

export function documentSymbols(doc: ScriptDocument): DocumentSymbol[] {
  return doc.script.commands.map((c) => {
    const label = commandLabel(c) || '(empty)';
    const endChar = doc.lines[c.endLine]?.length ?? 0;
    return {
      name: label.length > MAX_NAME ? label.slice(0, MAX_NAME - 1) + '…' : label,
      detail: c.spec?.summary ?? '',
      kind: c.spec?.writes ? SymbolKind.Event : SymbolKind.Function,
      range: { start: { line: c.startLine, character: 0 }, end: { line: c.endLine, character: endChar } },
      selectionRange: c.range,
    };
  });
}

/**
 * Lenses come from the server because it holds the parse; they only carry the document URI and the
 * command's first line, and the client re-reads the document when the lens is clicked.
 */
export function codeLenses(doc: ScriptDocument): CodeLens[] {
  const lenses: CodeLens[] = [];
  const runnable = doc.script.commands;
  if (runnable.length > 1) {
    const first = runnable[0].range;
    lenses.push({
      range: first,
      command: { title: `$(run-all) Run all (${runnable.length})`, command: ScriptCommandIds.runScript, arguments: [doc.uri] },
    });
  }
  for (const c of runnable) {
    const blocked = c.spec?.unsupported
      ? 'not run in scripts'
      : c.diagnostics.some((d) => d.severity === 'error')
        ? 'fix the errors to run'
        : undefined;
    lenses.push({
      range: c.range,
      command: blocked
        ? { title: `$(circle-slash) ${blocked}`, command: '' }
        : { title: '$(play) Run', command: ScriptCommandIds.runScriptLine, arguments: [doc.uri, c.startLine] },
    });
  }
  return lenses;
}
