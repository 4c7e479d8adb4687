/** etcdctl scripts: tokenizer, parser, command catalogue, and an executor printing like etcdctl. */
export {
  findCommand,
  findFlag,
  findGroup,
  flagsOf,
  GLOBAL_FLAGS,
  GROUPS,
  KV_COMMANDS,
  OTHER_COMMANDS,
  TERMINAL_ONLY_COMMANDS,
  topLevelNames,
} from './catalogue';
export type { ArgKind, ArgSpec, CommandSpec, FlagSpec, GroupSpec } from './catalogueTypes';
export { executeAll, executeCommand } from './execute';
export type { ExecResult, RunEvents } from './execute';
export { commandAt, parseScript, splitLines } from './parse';
export { quoteWord, tokenizeCommand } from './tokens';
export type { Position, Range, Token } from './tokens';
export { commandLabel, flagBool, flagValue, writeOut } from './types';
export type { ParsedFlag, Script, ScriptCommand, ScriptDiagnostic, Severity, TxnBlock, TxnCompare } from './types';
