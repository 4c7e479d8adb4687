/** A transaction's result printed as `etcdctl txn` prints it (simple format), by the one simple printer. */
import { printerFor } from '../output';
import type { TxnResult } from './txn';

/**
 * SUCCESS or FAILURE, then per op a blank line and: `OK` for a put (followed by the previous key and
 * value when asked for), the key/value lines for a get, the deleted count for a delete.
 */
export function formatTxnResult(r: TxnResult): string {
  return printerFor('simple', undefined).txn(r.response);
}
