/** A transaction's result printed as `etcdctl txn` prints it (simple format). */
import type { TxnKeyValue, TxnResult } from './txn';

function kvLines(kv: TxnKeyValue): string[] {
  return [kv.keyText, kv.value.toString()];
}

/**
 * SUCCESS or FAILURE, then per op a blank line and: `OK` for a put (followed by the previous key and
 * value when asked for), the key/value lines for a get, the deleted count for a delete.
 */
export function formatTxnResult(r: TxnResult): string {
  const lines = [r.succeeded ? 'SUCCESS' : 'FAILURE'];
  for (const res of r.results) {
    lines.push('');
    if (res.op === 'put') lines.push('OK', ...(res.prevKv ? kvLines(res.prevKv) : []));
    else if (res.op === 'get') for (const kv of res.kvs) lines.push(...kvLines(kv));
    else lines.push(String(res.deleted), ...res.prevKvs.flatMap(kvLines));
  }
  return lines.join('\n') + '\n';
}
