/**
 * Parses an etcdctl script: one command per line (a trailing backslash continues it), `#` comments,
 * an optional `# connection: NAME` line before the first command, and txn blocks under `txn` lines.
 */
import { parseCommandWords } from './parseCommand';
import { tokenizeCommand, Token } from './tokens';
import { parseTxnBlock } from './txnBlock';
import type { Script, ScriptCommand } from './types';

const CONNECTION_DIRECTIVE = /^(\s*#\s*connection\s*:\s*)(.*?)\s*$/i;

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** `<<EOF`, `<<'EOF'`, `<<-"EOF"` (one word or two) at the end of a txn line: the delimiter and the words used. */
function heredocOf(words: Token[]): { delimiter: string; used: number } | undefined {
  const last = words[words.length - 1];
  const prev = words[words.length - 2];
  const glued = last && !last.quoted ? /^<<-?(.+)$/.exec(last.raw) : null;
  if (glued) return { delimiter: glued[1].replace(/^(['"])(.*)\1$/, '$2'), used: 1 };
  if (prev && !prev.quoted && /^<<-?$/.test(prev.raw)) return { delimiter: last.value, used: 2 };
  // `<<'EOF'` tokenizes as one word whose raw text starts with << and is partly quoted.
  if (last && /^<<-?['"]/.test(last.raw)) return { delimiter: last.value.replace(/^<<-?/, ''), used: 1 };
  return undefined;
}

export function parseScript(text: string): Script {
  const lines = splitLines(text);
  const script: Script = { commands: [], diagnostics: [] };
  for (let line = 0; line < lines.length; line++) {
    const src = lines[line];
    if (!src.trim()) continue;
    if (src.trim().startsWith('#')) {
      const m = CONNECTION_DIRECTIVE.exec(src);
      if (m && script.commands.length === 0 && !script.connection) {
        script.connection = {
          name: m[2],
          range: { start: { line, character: m[1].length }, end: { line, character: m[1].length + m[2].length } },
        };
      }
      continue;
    }
    const tok = tokenizeCommand(lines, line);
    let words = tok.tokens;
    const isTxn = words.some(
      (w, i) =>
        w.value === 'txn' && words.slice(0, i).every((p) => p.value.includes('=') || /etcdctl$/.test(p.value) || p.value.startsWith('-')),
    );
    const heredoc = isTxn ? heredocOf(words) : undefined;
    if (heredoc) words = words.slice(0, words.length - heredoc.used);
    const cmd: ScriptCommand = parseCommandWords(words.length ? words : tok.tokens, line, tok.lastLine);
    for (const e of tok.errors) cmd.diagnostics.unshift({ range: e.range, message: e.message, severity: 'error' });
    if (cmd.spec?.name === 'txn') {
      const r = parseTxnBlock(lines, tok.lastLine + 1, heredoc?.delimiter);
      cmd.txn = r.block;
      cmd.endLine = r.endLine;
      cmd.diagnostics.push(...r.diagnostics);
    }
    script.commands.push(cmd);
    script.diagnostics.push(...cmd.diagnostics);
    line = cmd.endLine;
  }
  return script;
}

/** The command whose lines include `line` (a txn's block lines belong to the txn). */
export function commandAt(script: Script, line: number): ScriptCommand | undefined {
  return script.commands.find((c) => c.startLine <= line && line <= c.endLine);
}
