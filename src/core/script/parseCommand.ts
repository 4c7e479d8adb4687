/**
 * Reads the words of one command the way etcdctl's flag library (cobra/pflag) does: flags may come
 * anywhere, `--name=value` or `--name value` (or `-w json`, `-wjson`), a bare boolean flag means true,
 * `--` ends the flags. Problems become diagnostics on the word concerned; nothing throws.
 */
import { findCommand, findGroup, flagsOf, GLOBAL_FLAGS, topLevelNames } from './catalogue';
import type { CommandSpec, FlagSpec } from './catalogueTypes';
import { checkCommand } from './checks';
import type { Range, Token } from './tokens';
import type { ParsedFlag, ScriptCommand, ScriptDiagnostic } from './types';

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function isFlagWord(t: Token): boolean {
  return !t.quoted && t.value.length > 1 && t.value.startsWith('-');
}

function spanOf(words: readonly Token[]): Range {
  return { start: words[0].range.start, end: words[words.length - 1].range.end };
}

/** Does this flag word consume the next word as its value? (Only known non-boolean flags without `=`.) */
export function takesNextWord(word: string, flags: readonly FlagSpec[]): boolean {
  if (word.startsWith('--')) {
    if (word.includes('=')) return false;
    const f = flags.find((x) => x.name === word.slice(2));
    return f !== undefined && f.type !== 'bool';
  }
  if (word.length !== 2) return false;
  const f = flags.find((x) => x.short === word[1]);
  return f !== undefined && f.type !== 'bool';
}

/** Edit distance, for "did you mean" hints on misspelt names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

export function suggest(word: string, names: readonly string[]): string {
  const best = names.map((n) => ({ n, d: distance(word, n) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(1, Math.floor(word.length / 3)) ? ` Did you mean "${best.n}"?` : '';
}

const VALUE_CHECKS: Record<string, { re: RegExp; what: string }> = {
  int: { re: /^-?\d+$/, what: 'a whole number' },
  hex: { re: /^[0-9a-fA-F]+$/, what: 'a hexadecimal id' },
  bool: { re: /^(1|0|t|f|T|F|true|false|TRUE|FALSE|True|False)$/, what: 'true or false' },
  duration: { re: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, what: 'a duration like 5s' },
};

function checkFlagValue(f: ParsedFlag, diags: ScriptDiagnostic[]): void {
  const spec = f.spec!;
  const range = f.valueRange ?? f.token.range;
  const check = VALUE_CHECKS[spec.type];
  if (check && !check.re.test(f.value)) {
    diags.push({ range, severity: 'error', message: `--${spec.name} takes ${check.what}, not "${f.value}".` });
  } else if (spec.values && !spec.values.some((v) => v.toLowerCase() === f.value.toLowerCase())) {
    diags.push({ range, severity: 'error', message: `--${spec.name} must be one of ${spec.values.join(', ')}, not "${f.value}".` });
  }
  if (spec.ignored) diags.push({ range: f.token.range, severity: 'info', message: `--${spec.name} has no effect here: ${spec.ignored}.` });
}

/** Splits the words after the command words into flags and positional arguments. */
function readFlags(words: readonly Token[], flags: readonly FlagSpec[], diags: ScriptDiagnostic[]): { flags: ParsedFlag[]; args: Token[] } {
  const out: ParsedFlag[] = [];
  const args: Token[] = [];
  let onlyArgs = false;
  for (let i = 0; i < words.length; i++) {
    const t = words[i];
    if (onlyArgs || !isFlagWord(t)) {
      args.push(t);
      continue;
    }
    if (t.value === '--') {
      onlyArgs = true;
      continue;
    }
    const long = t.value.startsWith('--');
    const body = long ? t.value.slice(2) : t.value.slice(1);
    const eq = body.indexOf('=');
    // `-wjson` is pflag's attached short value; `-w=json` works too.
    const name = long ? (eq < 0 ? body : body.slice(0, eq)) : body[0];
    const spec = flags.find((f) => (long ? f.name === name : f.short === name));
    if (!spec) {
      const known = flags.map((f) => f.name);
      diags.push({
        range: t.range,
        severity: 'error',
        message: `unknown flag: ${long ? '--' : '-'}${name}.${long ? suggest(name, known).replace(/"(.*)"/, '"--$1"') : ''}`,
      });
      continue;
    }
    let value: string | undefined;
    let valueRange: Range | undefined;
    const inline = long ? (eq < 0 ? undefined : body.slice(eq + 1)) : body.length > 1 ? body.slice(body[1] === '=' ? 2 : 1) : undefined;
    if (inline !== undefined) {
      value = inline;
      valueRange = { start: { line: t.range.start.line, character: t.range.end.character - inline.length }, end: t.range.end };
    } else if (spec.type === 'bool') {
      value = 'true';
    } else if (i + 1 < words.length) {
      i++;
      value = words[i].value;
      valueRange = words[i].range;
    } else {
      diags.push({ range: t.range, severity: 'error', message: `flag needs an argument: --${spec.name}.` });
      continue;
    }
    const flag: ParsedFlag = { name: spec.name, spec, token: t, value, ...(valueRange ? { valueRange } : {}) };
    checkFlagValue(flag, diags);
    out.push(flag);
  }
  return { flags: out, args };
}

/** Finds the command words (skipping flags and their values), e.g. `--endpoints x lease -w json grant`. */
function findCommandWords(words: readonly Token[]): { commandWords: Token[]; rest: Token[] } {
  const commandWords: Token[] = [];
  const rest: Token[] = [];
  let flags: readonly FlagSpec[] = GLOBAL_FLAGS;
  for (let i = 0; i < words.length; i++) {
    const t = words[i];
    const wanted = commandWords.length === 0 || (commandWords.length === 1 && findGroup(commandWords[0].value) !== undefined);
    if (isFlagWord(t) && t.value !== '--') {
      rest.push(t);
      if (takesNextWord(t.value, flags) && i + 1 < words.length) rest.push(words[++i]);
    } else if (wanted && t.value !== '--') {
      commandWords.push(t);
      const group = findGroup(t.value);
      if (group?.flags) flags = [...group.flags, ...GLOBAL_FLAGS];
    } else {
      rest.push(t, ...words.slice(i + 1));
      break;
    }
  }
  return { commandWords, rest };
}

function checkArgs(cmd: ScriptCommand, spec: CommandSpec, diags: ScriptDiagnostic[]): void {
  const required = spec.args.filter((a) => !a.optional).length;
  const max = spec.args.some((a) => a.rest) ? Infinity : spec.args.length;
  if (cmd.args.length < required) {
    const missing = spec.args
      .slice(cmd.args.length)
      .filter((a) => !a.optional)
      .map((a) => `<${a.name}>`)
      .join(' ');
    diags.push({ range: cmd.range, severity: 'error', message: `${spec.name} needs ${missing} (usage: etcdctl ${spec.usage}).` });
  } else if (cmd.args.length > max) {
    diags.push({
      range: spanOf(cmd.args.slice(max)),
      severity: 'error',
      message: `too many arguments for ${spec.name} (usage: etcdctl ${spec.usage}).`,
    });
  }
}

/**
 * Parses one command's words. `allowed` limits the commands (a txn block accepts get, put, del);
 * `globals` is false inside txn blocks, where etcdctl takes no global flags.
 */
export function parseCommandWords(
  words: Token[],
  startLine: number,
  endLine: number,
  opts: { allowed?: readonly string[]; globals?: boolean } = {},
): ScriptCommand {
  const diags: ScriptDiagnostic[] = [];
  let i = 0;
  if (opts.globals !== false) {
    for (; i < words.length && !words[i].quoted && ENV_ASSIGNMENT.test(words[i].value); i++) {
      const [name, value] = words[i].value.split('=', 2);
      if (name === 'ETCDCTL_API' && value !== '3')
        diags.push({ range: words[i].range, severity: 'error', message: "Scripts speak etcd's v3 API only (ETCDCTL_API=3)." });
    }
    if (i < words.length && /(^|\/)etcdctl$/.test(words[i].value)) i++;
  }
  const { commandWords, rest } = findCommandWords(words.slice(i));
  const range = words.length ? spanOf(words) : { start: { line: startLine, character: 0 }, end: { line: startLine, character: 0 } };
  const cmd: ScriptCommand = { startLine, endLine, range, words, commandWords, flags: [], args: [], diagnostics: diags };
  const [first, second] = commandWords;
  if (!first) {
    diags.push({ range: cmd.range, severity: 'error', message: 'No command: write e.g. `get /registry/ --prefix --keys-only`.' });
    return cmd;
  }
  const names = opts.allowed ?? topLevelNames();
  if (!names.includes(first.value)) {
    diags.push({
      range: first.range,
      severity: 'error',
      message: `unknown command "${first.value}".${suggest(first.value, names)}${opts.allowed ? ` A txn block takes ${opts.allowed.join(', ')}.` : ''}`,
    });
    return cmd;
  }
  const group = findGroup(first.value);
  if (group) {
    const subs = group.subcommands.map((c) => c.name.split(' ')[1]);
    if (!second) {
      diags.push({ range: first.range, severity: 'error', message: `${group.name} needs a subcommand: ${subs.join(', ')}.` });
      return cmd;
    }
    if (!subs.includes(second.value)) {
      diags.push({
        range: second.range,
        severity: 'error',
        message: `unknown ${group.name} subcommand "${second.value}".${suggest(second.value, subs)} Known: ${subs.join(', ')}.`,
      });
      return cmd;
    }
  }
  const spec = findCommand(first.value, second?.value)!;
  cmd.spec = spec;
  const flags = opts.globals === false ? spec.flags : flagsOf(spec);
  const { flags: parsed, args } = readFlags(rest, flags, diags);
  cmd.flags = parsed;
  cmd.args = args;
  checkArgs(cmd, spec, diags);
  if (spec.unsupported)
    diags.push({ range: spanOf(commandWords), severity: 'warning', message: `Not run in scripts: ${spec.unsupported}` });
  else checkCommand(cmd, diags);
  return cmd;
}
