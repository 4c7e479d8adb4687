/**
 * The argument errors etcdctl itself reports before sending anything (same wording where it has
 * one), checked while typing so a script never fails half-way on something visible up front.
 */
import type { Range } from './tokens';
import { flagBool, flagValue, ScriptCommand, ScriptDiagnostic, writeOut } from './types';

function flagRange(cmd: ScriptCommand, name: string): Range {
  return [...cmd.flags].reverse().find((f) => f.name === name)?.token.range ?? cmd.range;
}

function checkOutputFormat(cmd: ScriptCommand, diags: ScriptDiagnostic[]): void {
  const format = writeOut(cmd);
  const known = ['table', 'fields', 'protobuf'];
  // An unknown format is already reported by the flag's value check.
  if (!known.includes(format) || !flagValue(cmd, 'write-out')) return;
  const range = flagRange(cmd, 'write-out');
  if (format === 'protobuf') {
    diags.push({ range, severity: 'error', message: 'protobuf output is binary and not shown in scripts: use -w json.' });
  } else if (!cmd.spec?.formats?.includes(format as 'table' | 'fields')) {
    // etcdctl says "Error: table not supported as output format" for these.
    diags.push({
      range,
      severity: 'error',
      message: `${format} not supported as output format for ${cmd.spec?.name} (use simple or json).`,
    });
  }
}

const INT_ARGS = new Set(['revision', 'ttl']);
const HEX_ARGS = new Set(['lease', 'member']);

function checkArgValues(cmd: ScriptCommand, diags: ScriptDiagnostic[]): void {
  cmd.spec?.args.forEach((a, i) => {
    const t = cmd.args[i];
    if (!t) return;
    if (INT_ARGS.has(a.kind) && !/^\d+$/.test(t.value))
      diags.push({ range: t.range, severity: 'error', message: `<${a.name}> must be a whole number, not "${t.value}".` });
    if (HEX_ARGS.has(a.kind) && !/^[0-9a-fA-F]{1,16}$/.test(t.value)) {
      diags.push({
        range: t.range,
        severity: 'error',
        message: `<${a.name}> must be a hexadecimal id as etcdctl prints it (e.g. 694d7ab5c2f0e1a3), not "${t.value}".`,
      });
    }
  });
}

function checkRange(cmd: ScriptCommand, diags: ScriptDiagnostic[]): void {
  const prefix = flagBool(cmd, 'prefix');
  const fromKey = flagBool(cmd, 'from-key');
  if (prefix && fromKey) {
    diags.push({
      range: flagRange(cmd, 'from-key'),
      severity: 'error',
      message: '`--prefix` and `--from-key` cannot be set at the same time, choose one.',
    });
  }
  if ((prefix || fromKey) && cmd.args.length > 1) {
    diags.push({
      range: cmd.args[1].range,
      severity: 'error',
      message: 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set.',
    });
  }
}

export function checkCommand(cmd: ScriptCommand, diags: ScriptDiagnostic[]): void {
  checkOutputFormat(cmd, diags);
  checkArgValues(cmd, diags);
  switch (cmd.spec?.name) {
    case 'get':
      checkRange(cmd, diags);
      if (flagBool(cmd, 'keys-only') && flagBool(cmd, 'count-only')) {
        diags.push({
          range: flagRange(cmd, 'count-only'),
          severity: 'error',
          message: '`--keys-only` and `--count-only` cannot be set at the same time, choose one.',
        });
      }
      if (flagBool(cmd, 'print-value-only') && writeOut(cmd) !== 'simple') {
        diags.push({
          range: flagRange(cmd, 'print-value-only'),
          severity: 'error',
          message: 'print-value-only is only for `--write-out=simple`.',
        });
      }
      break;
    case 'del':
      checkRange(cmd, diags);
      break;
    case 'put':
      if (flagBool(cmd, 'ignore-value') && cmd.args.length > 1) {
        diags.push({
          range: cmd.args[1].range,
          severity: 'error',
          message: "put command needs only 1 argument when 'ignore-value' is set.",
        });
      } else if (!flagBool(cmd, 'ignore-value') && cmd.args.length === 1) {
        diags.push({
          range: cmd.args[0].range,
          severity: 'error',
          message: 'put needs <value> after the key: scripts have no standard input (or use --ignore-value to keep the current value).',
        });
      }
      break;
    case 'lease keep-alive':
      if (!flagBool(cmd, 'once')) {
        diags.push({
          range: cmd.commandWords[1].range,
          severity: 'warning',
          message: 'Without --once, keep-alive runs until interrupted; scripts renew the lease once (as with --once).',
        });
      }
      break;
    case 'member add':
      if (!flagValue(cmd, 'peer-urls'))
        diags.push({ range: cmd.range, severity: 'error', message: "member add needs --peer-urls (the new member's peer URLs)." });
      break;
    case 'defrag':
      if (flagValue(cmd, 'data-dir'))
        diags.push({
          range: flagRange(cmd, 'data-dir'),
          severity: 'error',
          message: '--data-dir defragments files on the etcd host: run `etcdutl defrag --data-dir` there.',
        });
      break;
  }
}
