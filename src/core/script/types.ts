/** What parsing an etcdctl script yields: commands with their words, flags, arguments and problems. */
import type { CommandSpec, FlagSpec } from './catalogueTypes';
import type { Range, Token } from './tokens';

export type Severity = 'error' | 'warning' | 'info';

export interface ScriptDiagnostic {
  range: Range;
  message: string;
  severity: Severity;
}

export interface ParsedFlag {
  /** Long name (a short form is resolved to it when known). */
  name: string;
  spec?: FlagSpec;
  /** The word holding the flag (`--rev=5`, or `--rev` when the value is the next word). */
  token: Token;
  /** The value as text ('true' for a bare boolean flag). */
  value: string;
  valueRange?: Range;
}

export type CompareTarget = 'version' | 'create' | 'mod' | 'value' | 'lease';

export interface TxnCompare {
  target: CompareTarget;
  key: Buffer;
  op: '=' | '!=' | '<' | '>';
  value: string;
  range: Range;
}

export interface TxnBlock {
  compares: TxnCompare[];
  success: ScriptCommand[];
  failure: ScriptCommand[];
  /** The here-document delimiter when the block was written `txn <<EOF`. */
  heredoc?: string;
}

export interface ScriptCommand {
  /** First and last line of the command, including continuation lines and a txn block. */
  startLine: number;
  endLine: number;
  /** From the first to the last word of the command line(s) (not the txn block). */
  range: Range;
  /** Every word, including `ETCDCTL_API=3` and `etcdctl`. */
  words: Token[];
  /** The words naming the command: [`get`] or [`lease`, `grant`]. */
  commandWords: Token[];
  spec?: CommandSpec;
  flags: ParsedFlag[];
  args: Token[];
  txn?: TxnBlock;
  /** Problems with this command (its txn block's included). */
  diagnostics: ScriptDiagnostic[];
}

export interface Script {
  commands: ScriptCommand[];
  /** `# connection: NAME` before the first command: overrides the active connection. */
  connection?: { name: string; range: Range };
  /** Every problem in the script (commands' included), in line order. */
  diagnostics: ScriptDiagnostic[];
}

/** The value of the last occurrence of a flag (pflag semantics: the last one wins). */
export function flagValue(cmd: ScriptCommand, name: string): string | undefined {
  let v: string | undefined;
  for (const f of cmd.flags) if (f.name === name) v = f.value;
  return v;
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

export function flagBool(cmd: ScriptCommand, name: string): boolean {
  const v = flagValue(cmd, name);
  return v !== undefined && TRUE.has(v);
}

/** The output format (-w), lower case; `simple` by default. */
export function writeOut(cmd: ScriptCommand): string {
  return (flagValue(cmd, 'write-out') ?? 'simple').toLowerCase();
}

/** A short label for a command: `get /registry/pods --prefix`. */
export function commandLabel(cmd: ScriptCommand): string {
  const from = cmd.commandWords[0] ? cmd.words.indexOf(cmd.commandWords[0]) : 0;
  return cmd.words
    .slice(Math.max(from, 0))
    .map((w) => w.raw)
    .join(' ');
}
