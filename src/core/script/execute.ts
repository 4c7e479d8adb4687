/**
 * Runs parsed script commands against a connection and returns what etcdctl would print. Nothing
 * runs when the command has an error diagnostic; unsupported-but-valid commands return a clear
 * message instead of hanging; read-only connections refuse writes before anything is sent.
 */
import type { EtcdConnection } from '../etcd/connection';
import { EtcdStudioError, errorMessage } from '../errors';
import type { Printed } from '../output';
import { runCluster, PartialFailure } from './exec/clusterExec';
import { runCompaction, runDel, runGet, runPut, runTxn } from './exec/kvExec';
import { runLease } from './exec/leaseExec';
import { runWatch } from './exec/watchExec';
import { commandLabel, ScriptCommand } from './types';

export interface ExecResult {
  /** What etcdctl would print on standard output. */
  stdout: string;
  /** What it would print on standard error, e.g. `Error: …`. */
  stderr: string;
  ok: boolean;
  /** The command was not sent: it has errors or is not supported in scripts. */
  skipped?: boolean;
}

async function dispatch(conn: EtcdConnection, cmd: ScriptCommand): Promise<string | Printed> {
  const name = cmd.spec!.name;
  switch (name) {
    case 'get':
      return runGet(conn, cmd);
    case 'put':
      return runPut(conn, cmd);
    case 'del':
      return runDel(conn, cmd);
    case 'txn':
      return runTxn(conn, cmd);
    case 'compaction':
      return runCompaction(conn, cmd);
    case 'watch':
      return runWatch(conn, cmd);
    default:
      if (name.startsWith('lease ')) return runLease(conn, cmd);
      return runCluster(conn, cmd);
  }
}

/** Runs one command. Never throws: failures come back as `Error: …` on stderr. */
export async function executeCommand(conn: EtcdConnection, cmd: ScriptCommand): Promise<ExecResult> {
  const errors = cmd.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !cmd.spec) {
    const where = (d: (typeof errors)[number]) => `line ${d.range.start.line + 1}: ${d.message}`;
    return { stdout: '', stderr: `Error: not run, the command has errors:\n${errors.map(where).join('\n')}\n`, ok: false, skipped: true };
  }
  if (cmd.spec.unsupported) return { stdout: '', stderr: `Not run: ${cmd.spec.unsupported}\n`, ok: false, skipped: true };
  try {
    const out = await dispatch(conn, cmd);
    return typeof out === 'string' ? { stdout: out, stderr: '', ok: true } : { ...out, ok: true };
  } catch (e) {
    if (e instanceof PartialFailure) return { stdout: e.stdout, stderr: `${e.stderr}Error: ${e.message}\n`, ok: false };
    const detail = e instanceof EtcdStudioError && e.detail ? ` (${e.detail})` : '';
    return { stdout: '', stderr: `Error: ${errorMessage(e)}${detail}\n`, ok: false };
  }
}

export interface RunEvents {
  /** Before each command. */
  onStart?(cmd: ScriptCommand, index: number): void;
  onResult?(cmd: ScriptCommand, result: ExecResult, index: number): void;
  signal?: AbortSignal;
}

/**
 * Runs commands in order, stopping at the first failure (like `set -e`), so a later write never
 * runs on top of a failed one. Returns how many ran and whether all succeeded.
 */
export async function executeAll(
  conn: EtcdConnection,
  cmds: readonly ScriptCommand[],
  events: RunEvents = {},
): Promise<{ ran: number; ok: boolean }> {
  let ran = 0;
  for (const [i, cmd] of cmds.entries()) {
    if (events.signal?.aborted) return { ran, ok: false };
    events.onStart?.(cmd, i);
    const r = await executeCommand(conn, cmd);
    ran++;
    events.onResult?.(cmd, r, i);
    if (!r.ok) return { ran, ok: false };
  }
  return { ran, ok: true };
}

export { commandLabel };
