/**
 * The block under a `txn` line: what etcdctl reads from standard input. Compares up to a blank line,
 * then the requests for success up to a blank line, then those for failure up to a blank line (or the
 * end of a here-document, or of the file). `#` lines are skipped so a pasted `txn -i` transcript works.
 */
import { parseCommandWords } from './parseCommand';
import { Range, tokenizeCommand } from './tokens';
import type { CompareTarget, ScriptCommand, ScriptDiagnostic, TxnBlock, TxnCompare } from './types';

const TARGETS: Record<string, CompareTarget> = {
  ver: 'version',
  version: 'version',
  c: 'create',
  create: 'create',
  m: 'mod',
  mod: 'mod',
  val: 'value',
  value: 'value',
  lease: 'lease',
};
const OPS = ['=', '!=', '<', '>'] as const;
const TXN_OPS = ['get', 'put', 'del'] as const;

function lineRange(line: number, text: string): Range {
  const start = text.length - text.trimStart().length;
  return { start: { line, character: start }, end: { line, character: text.trimEnd().length } };
}

/** Parses `mod("key") > "0"` (etcdctl's ParseCompare: target, quoted key, operator, quoted value). */
export function parseCompare(text: string, line: number, diags: ScriptDiagnostic[]): TxnCompare | undefined {
  const range = lineRange(line, text);
  const bad = (why: string) => {
    diags.push({
      range,
      severity: 'error',
      message: `malformed comparison: ${why}. Expected e.g. mod("key1") > "0" or value("key") = "v".`,
    });
    return undefined;
  };
  const m = /^\s*([A-Za-z]+)\(\s*(.*)$/.exec(text);
  if (!m) return bad('no target( … )');
  const target = TARGETS[m[1]];
  if (!target) return bad(`unknown target ${m[1]} (ver, create, mod, value or lease)`);
  const { tokens, errors } = tokenizeCommand([m[2].replace(/\)/, ' ) ')], 0);
  for (const e of errors) diags.push({ range, severity: 'error', message: e.message });
  const words = tokens.map((t) => t.value);
  if (tokens.length !== 4 || !tokens[0].quoted || words[1] !== ')' || !tokens[3].quoted)
    return bad('the key and the value must be double-quoted');
  const op = OPS.find((o) => o === words[2]);
  if (!op) return bad(`unknown operator ${words[2]} (=, !=, < or >)`);
  const value = words[3];
  if (target !== 'value' && !(target === 'lease' ? /^[0-9a-fA-F]+$/ : /^-?\d+$/).test(value)) {
    diags.push({
      range,
      severity: 'error',
      message: `invalid txn compare request: ${m[1]}(…) compares with ${target === 'lease' ? 'a hexadecimal lease id' : 'a number'}, not "${value}".`,
    });
    return undefined;
  }
  return { target, key: tokens[0].bytes, op, value, range };
}

export interface TxnBlockResult {
  block: TxnBlock;
  /** The last line that belongs to the block. */
  endLine: number;
  diagnostics: ScriptDiagnostic[];
}

/**
 * Reads the block starting at `first`. With `heredoc`, the block ends at the line holding only the
 * delimiter; otherwise after the third blank-line-terminated section.
 */
export function parseTxnBlock(lines: readonly string[], first: number, heredoc?: string): TxnBlockResult {
  const diags: ScriptDiagnostic[] = [];
  const block: TxnBlock = { compares: [], success: [], failure: [], ...(heredoc ? { heredoc } : {}) };
  let section = 0;
  let line = first;
  let closed = false;
  for (; line < lines.length; line++) {
    const text = lines[line];
    if (heredoc !== undefined && text.trim() === heredoc) {
      closed = true;
      break;
    }
    if (section > 2) {
      if (heredoc === undefined) break;
      if (text.trim() && !text.trim().startsWith('#'))
        diags.push({
          range: lineRange(line, text),
          severity: 'error',
          message: 'A txn has three sections (compares, success, failure); this line is after them.',
        });
      continue;
    }
    if (text.trim().startsWith('#')) continue;
    if (!text.trim()) {
      section++;
      if (section > 2 && heredoc === undefined) break;
      continue;
    }
    if (section === 0) {
      const c = parseCompare(text, line, diags);
      if (c) block.compares.push(c);
      continue;
    }
    const { tokens, errors } = tokenizeCommand([text], 0);
    for (const t of tokens)
      t.range = { start: { line, character: t.range.start.character }, end: { line, character: t.range.end.character } };
    for (const e of errors)
      diags.push({ range: { start: { ...e.range.start, line }, end: { ...e.range.end, line } }, severity: 'error', message: e.message });
    const op: ScriptCommand = parseCommandWords(tokens, line, line, { allowed: TXN_OPS, globals: false });
    diags.push(...op.diagnostics);
    (section === 1 ? block.success : block.failure).push(op);
  }
  if (heredoc !== undefined && !closed) {
    diags.push({
      range: lineRange(first - 1, lines[first - 1] ?? ''),
      severity: 'error',
      message: `The here-document is never closed: add a line with only ${heredoc}.`,
    });
  }
  // `line` is the closing blank line or delimiter (part of the block), or one past the end.
  return { block, endLine: Math.max(Math.min(line, lines.length - 1), first - 1), diagnostics: diags };
}
