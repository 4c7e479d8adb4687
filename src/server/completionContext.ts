/**
 * What is being typed at a position of an etcdctl script: a command, a subcommand, a flag, a flag's
 * value, a key, or a line of a txn block. Works on the text before the cursor only, so a half-typed
 * line (which does not parse yet) still completes.
 */
import { flagsOf, GLOBAL_FLAGS } from '../core/script/catalogue';
import type { ArgSpec, CommandSpec, FlagSpec } from '../core/script/catalogueTypes';
import { commandAt, parseScript, splitLines } from '../core/script/parse';
import { isFlagWord, parseCommandWords, takesNextWord } from '../core/script/parseCommand';
import { Position, Range, Token, tokenizeCommand } from '../core/script/tokens';
import type { Script } from '../core/script/types';

export type CompletionContext =
  | { kind: 'none' }
  | { kind: 'command'; partial: Token | undefined; allowed?: readonly string[]; offerEtcdctl: boolean }
  | { kind: 'subcommand'; group: string; partial: Token | undefined }
  | { kind: 'flag'; flags: readonly FlagSpec[]; partial: Token }
  | { kind: 'flagValue'; flag: FlagSpec; partial: Token | undefined; replace: Range }
  | { kind: 'key'; spec: CommandSpec; arg: ArgSpec; partial: Token | undefined }
  | { kind: 'compare'; partial: Token | undefined };

const TXN_OPS = ['get', 'put', 'del'] as const;

/** Which section of a txn block `line` is in: 0 compares, 1 success, 2 failure. */
function txnSection(lines: string[], txnLastLine: number, line: number): number {
  let section = 0;
  for (let l = txnLastLine + 1; l < line; l++) if (!lines[l].trim()) section++;
  return section;
}

function shift(tokens: Token[], lineOffset: number): Token[] {
  for (const t of tokens) {
    t.range = {
      start: { ...t.range.start, line: t.range.start.line + lineOffset },
      end: { ...t.range.end, line: t.range.end.line + lineOffset },
    };
  }
  return tokens;
}

export function completionContext(text: string, pos: Position, script: Script = parseScript(text)): CompletionContext {
  const lines = splitLines(text);
  const current = (lines[pos.line] ?? '').slice(0, pos.character);
  const cmd = commandAt(script, pos.line);
  let inTxnOps = false;
  let startLine = pos.line;
  if (cmd?.txn && pos.line > cmd.range.end.line) {
    const section = txnSection(lines, cmd.range.end.line, pos.line);
    if (section === 0) {
      const toks = tokenizeCommand([current], 0).tokens;
      const last = toks[toks.length - 1];
      return { kind: 'compare', partial: last && last.range.end.character === current.length && !/\s$/.test(current) ? last : undefined };
    }
    inTxnOps = true;
  } else if (cmd && cmd.startLine < pos.line && pos.line <= cmd.range.end.line) {
    startLine = cmd.startLine;
  }
  const tok = tokenizeCommand([...lines.slice(startLine, pos.line), current], 0);
  if (tok.comment) return { kind: 'none' };
  const tokens = shift(tok.tokens, startLine);
  const typing = tokens.length > 0 && !/\s$/.test(current) && current.length > 0 && tokens[tokens.length - 1].range.end.line === pos.line;
  const partial = typing ? tokens[tokens.length - 1] : undefined;
  const done = typing ? tokens.slice(0, -1) : tokens;

  const parsed = parseCommandWords(done.length ? done : [], startLine, pos.line, inTxnOps ? { allowed: TXN_OPS, globals: false } : {});
  const spec = parsed.spec;
  const flags = spec ? (inTxnOps ? spec.flags : flagsOf(spec)) : inTxnOps ? [] : GLOBAL_FLAGS;

  if (partial && isFlagWord(partial) && partial.value !== '--') {
    const eq = partial.value.indexOf('=');
    if (eq > 0) {
      const name = partial.value.slice(partial.value.startsWith('--') ? 2 : 1, eq);
      const flag = flags.find((f) => f.name === name || f.short === name);
      if (!flag) return { kind: 'none' };
      const start = { line: pos.line, character: partial.range.start.character + eq + 1 };
      return { kind: 'flagValue', flag, partial, replace: { start, end: pos } };
    }
    return { kind: 'flag', flags, partial };
  }
  if (partial?.value === '-' || partial?.value === '--') return { kind: 'flag', flags, partial };
  const prev = done[done.length - 1];
  if (prev && isFlagWord(prev) && takesNextWord(prev.value, flags)) {
    const name = prev.value.replace(/^--?/, '');
    const flag = flags.find((f) => f.name === name || f.short === name)!;
    return { kind: 'flagValue', flag, partial, replace: { start: partial?.range.start ?? pos, end: pos } };
  }
  const [first, second] = parsed.commandWords;
  if (!first) {
    const beforeCommand = done.filter((t) => !isFlagWord(t));
    return {
      kind: 'command',
      partial,
      allowed: inTxnOps ? TXN_OPS : undefined,
      offerEtcdctl: !inTxnOps && beforeCommand.every((t) => t.value.includes('=')),
    };
  }
  if (!spec) {
    if (!second && parsed.diagnostics.some((d) => /needs a subcommand/.test(d.message)))
      return { kind: 'subcommand', group: first.value, partial };
    return { kind: 'none' };
  }
  const argIndex = parsed.args.length;
  const arg = spec.args[argIndex] ?? (spec.args[spec.args.length - 1]?.rest ? spec.args[spec.args.length - 1] : undefined);
  if (arg && (arg.kind === 'key' || arg.kind === 'range_end')) return { kind: 'key', spec, arg, partial };
  return { kind: 'none' };
}
