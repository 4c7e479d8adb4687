/**
 * get, put, del, txn and compaction: the requests etcdctl would send for the parsed flags (same
 * key/range_end rules: `--prefix` with an empty key means every key, `--from-key` means range_end
 * "\0"), sent through the connection so failures become actionable errors.
 */
import type { ICompare, IDeleteRangeRequest, IPutRequest, IRangeRequest, IRequestOp } from '../../etcd/etcd3Adapter';
import type { EtcdConnection } from '../../etcd/connection';
import { compact } from '../../etcd/maintenance';
import { prefixRangeEnd, UNBOUNDED } from '../../keytree/rangeEnd';
import { Printer, printerFor } from '../../output';
import { printerOf } from '../printerOf';
import { flagBool, flagValue, ScriptCommand, TxnCompare } from '../types';

/** get/put/del/txn print their own flags' way (--print-value-only, --count-only) besides -w and --hex. */
function kvPrinter(conn: EtcdConnection, cmd: ScriptCommand): Printer {
  const p = printerOf(conn, cmd);
  return printerFor(p.format, p.style, {
    hex: flagBool(cmd, 'hex'),
    valueOnly: flagBool(cmd, 'print-value-only'),
    countOnly: flagBool(cmd, 'count-only'),
  });
}

/** key and range_end from the arguments and --prefix / --from-key, as etcdctl computes them. */
export function keyRange(cmd: ScriptCommand): { key: Buffer; range_end?: Buffer } {
  let key = cmd.args[0]?.bytes ?? Buffer.alloc(0);
  if (flagBool(cmd, 'prefix')) {
    if (key.length === 0) return { key: Buffer.from(UNBOUNDED), range_end: Buffer.from(UNBOUNDED) };
    return { key, range_end: prefixRangeEnd(key) };
  }
  if (flagBool(cmd, 'from-key')) {
    if (key.length === 0) key = Buffer.from(UNBOUNDED);
    return { key, range_end: Buffer.from(UNBOUNDED) };
  }
  return cmd.args[1] ? { key, range_end: cmd.args[1].bytes } : { key };
}

const SORT_TARGETS: Record<string, IRangeRequest['sort_target']> = {
  KEY: 'Key',
  VERSION: 'Version',
  CREATE: 'Create',
  MODIFY: 'Mod',
  VALUE: 'Value',
};
const int = (cmd: ScriptCommand, name: string) => Number(flagValue(cmd, name) ?? 0);

export function rangeRequest(cmd: ScriptCommand): IRangeRequest {
  const order = flagValue(cmd, 'order')?.toUpperCase();
  const sortBy = flagValue(cmd, 'sort-by')?.toUpperCase();
  return {
    ...keyRange(cmd),
    limit: int(cmd, 'limit'),
    ...(int(cmd, 'rev') > 0 ? { revision: int(cmd, 'rev') } : {}),
    ...(order ? { sort_order: order === 'DESCEND' ? 'Descend' : 'Ascend' } : {}),
    ...(sortBy ? { sort_target: SORT_TARGETS[sortBy] } : {}),
    serializable: flagValue(cmd, 'consistency') === 's',
    keys_only: flagBool(cmd, 'keys-only'),
    count_only: flagBool(cmd, 'count-only'),
    min_create_revision: int(cmd, 'min-create-rev'),
    max_create_revision: int(cmd, 'max-create-rev'),
    min_mod_revision: int(cmd, 'min-mod-rev'),
    max_mod_revision: int(cmd, 'max-mod-rev'),
  };
}

/** etcdctl takes lease ids in hex; the API wants the uint64 in decimal. */
export function leaseDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

export function putRequest(cmd: ScriptCommand): IPutRequest {
  const lease = flagValue(cmd, 'lease');
  return {
    key: cmd.args[0].bytes,
    value: cmd.args[1]?.bytes ?? Buffer.alloc(0),
    ...(lease && lease !== '0' ? { lease: leaseDecimal(lease) } : {}),
    prev_kv: flagBool(cmd, 'prev-kv'),
    ignore_value: flagBool(cmd, 'ignore-value'),
    ignore_lease: flagBool(cmd, 'ignore-lease'),
  };
}

export function deleteRequest(cmd: ScriptCommand): IDeleteRangeRequest {
  return { ...keyRange(cmd), prev_kv: flagBool(cmd, 'prev-kv') };
}

const RESULTS = { '=': 'Equal', '!=': 'NotEqual', '<': 'Less', '>': 'Greater' } as const;

function compareOf(c: TxnCompare): ICompare {
  const base = { key: c.key, result: RESULTS[c.op] };
  switch (c.target) {
    case 'version':
      return { ...base, target: 'Version', version: c.value };
    case 'create':
      return { ...base, target: 'Create', create_revision: c.value };
    case 'mod':
      return { ...base, target: 'Mod', mod_revision: c.value };
    case 'value':
      return { ...base, target: 'Value', value: Buffer.from(c.value, 'utf8') };
    case 'lease':
      return { ...base, target: 'Lease', lease: leaseDecimal(c.value) };
  }
}

function requestOp(op: ScriptCommand): IRequestOp {
  switch (op.spec?.name) {
    case 'get':
      return { request_range: rangeRequest(op) };
    case 'put':
      return { request_put: putRequest(op) };
    default:
      return { request_delete_range: deleteRequest(op) };
  }
}

export async function runGet(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const res = await conn.range(rangeRequest(cmd), 'get');
  return kvPrinter(conn, cmd).get(res);
}

export async function runPut(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const res = await conn.write('put', { op: 'put', request: putRequest(cmd) });
  return kvPrinter(conn, cmd).put(res);
}

export async function runDel(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const res = await conn.write('del', { op: 'delete', request: deleteRequest(cmd) });
  return kvPrinter(conn, cmd).del(res);
}

export async function runTxn(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const txn = cmd.txn!;
  // A txn of reads only is allowed on a read-only connection (EtcdConnection.txn sends it as a read).
  const res = await conn.txn(
    { compare: txn.compares.map(compareOf), success: txn.success.map(requestOp), failure: txn.failure.map(requestOp) },
    'a txn with put or del',
  );
  return kvPrinter(conn, cmd).txn(res);
}

export async function runCompaction(conn: EtcdConnection, cmd: ScriptCommand): Promise<string> {
  const rev = Number(cmd.args[0].value);
  await compact(conn, rev, flagBool(cmd, 'physical'));
  // etcdctl prints this line itself, whatever -w says.
  return `compacted revision ${rev}\n`;
}
