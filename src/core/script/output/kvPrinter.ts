/**
 * etcdctl's printers for key-value responses (get, put, del, txn) in its simple, json and fields
 * formats, fed with etcd3's decoded responses (int64 fields arrive as decimal strings).
 */
import type { IDeleteRangeResponse, IKeyValue, IPutResponse, IRangeResponse, IResponseHeader, ITxnResponse } from '../../etcd/etcd3Adapter';
import { GoObject, goJson, num } from './goJson';

export interface PrintOptions {
  format: 'simple' | 'json' | 'fields';
  /** --hex: keys and values as \xNN. */
  hex?: boolean;
  /** --print-value-only. */
  valueOnly?: boolean;
  /** --count-only with simple output: just the count (etcdctl allows --count-only with fields only). */
  countOnly?: boolean;
}

function hexBytes(b: Buffer): string {
  return [...b].map((x) => '\\x' + x.toString(16).padStart(2, '0')).join('');
}

/** Raw bytes as text: the output channel is text, so invalid UTF-8 shows as U+FFFD (etcdctl writes the bytes). */
function text(b: Buffer | undefined, hex?: boolean): string {
  const bytes = b ?? Buffer.alloc(0);
  return hex ? hexBytes(bytes) : bytes.toString('utf8');
}

function simpleKv(kv: IKeyValue, o: PrintOptions): string {
  return (o.valueOnly ? '' : text(kv.key, o.hex) + '\n') + text(kv.value, o.hex) + '\n';
}

export function headerJson(h: IResponseHeader | undefined): GoObject {
  return new GoObject()
    .opt('cluster_id', num(h?.cluster_id))
    .opt('member_id', num(h?.member_id))
    .opt('revision', num(h?.revision))
    .opt('raft_term', num(h?.raft_term));
}

export function kvJson(kv: IKeyValue): GoObject {
  return new GoObject()
    .opt('key', kv.key)
    .opt('create_revision', num(kv.create_revision))
    .opt('mod_revision', num(kv.mod_revision))
    .opt('version', num(kv.version))
    .opt('value', kv.value)
    .opt('lease', num(kv.lease));
}

function rangeJson(r: IRangeResponse): GoObject {
  return new GoObject()
    .opt('header', headerJson(r.header))
    .opt('kvs', (r.kvs ?? []).map(kvJson))
    .opt('more', Boolean(r.more))
    .opt('count', num(r.count));
}

function putJson(r: IPutResponse): GoObject {
  return new GoObject().opt('header', headerJson(r.header)).opt('prev_kv', r.prev_kv ? kvJson(r.prev_kv) : undefined);
}

function delJson(r: IDeleteRangeResponse): GoObject {
  return new GoObject()
    .opt('header', headerJson(r.header))
    .opt('deleted', num(r.deleted))
    .opt('prev_kvs', (r.prev_kvs ?? []).map(kvJson));
}

function txnJson(r: ITxnResponse): GoObject {
  // Go marshals the oneof as an interface field "Response" holding a wrapper struct without json tags.
  const ops = (r.responses ?? []).map((op) => {
    const inner = op.response_range
      ? new GoObject().set('ResponseRange', rangeJson(op.response_range))
      : op.response_put
        ? new GoObject().set('ResponsePut', putJson(op.response_put))
        : new GoObject().set('ResponseDeleteRange', delJson(op.response_delete_range));
    return new GoObject().set('Response', inner);
  });
  return new GoObject().opt('header', headerJson(r.header)).opt('succeeded', Boolean(r.succeeded)).opt('responses', ops);
}

// --- fields: one `"Name" : value` line per field (Go %q for strings) ---

function goQuote(b: Buffer | undefined): string {
  return JSON.stringify((b ?? Buffer.alloc(0)).toString('utf8')).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function fieldsHeader(h: IResponseHeader | undefined): string {
  return `"ClusterID" : ${h?.cluster_id ?? 0}\n"MemberID" : ${h?.member_id ?? 0}\n"Revision" : ${h?.revision ?? 0}\n"RaftTerm" : ${h?.raft_term ?? 0}\n`;
}

function fieldsKv(pfx: string, kv: IKeyValue): string {
  return (
    `"${pfx}Key" : ${goQuote(kv.key)}\n"${pfx}CreateRevision" : ${kv.create_revision ?? 0}\n"${pfx}ModRevision" : ${kv.mod_revision ?? 0}\n` +
    `"${pfx}Version" : ${kv.version ?? 0}\n"${pfx}Value" : ${goQuote(kv.value)}\n"${pfx}Lease" : ${kv.lease ?? 0}\n`
  );
}

const fieldsRange = (r: IRangeResponse) =>
  fieldsHeader(r.header) +
  (r.kvs ?? []).map((kv) => fieldsKv('', kv)).join('') +
  `"More" : ${Boolean(r.more)}\n"Count" : ${r.count ?? 0}\n`;
const fieldsPut = (r: IPutResponse) => fieldsHeader(r.header) + (r.prev_kv ? fieldsKv('Prev', r.prev_kv) : '');
const fieldsDel = (r: IDeleteRangeResponse) =>
  fieldsHeader(r.header) + `"Deleted" : ${r.deleted ?? 0}\n` + (r.prev_kvs ?? []).map((kv) => fieldsKv('Prev', kv)).join('');

// --- the four responses ---

export function printRange(r: IRangeResponse, o: PrintOptions): string {
  if (o.format === 'json') return goJson(rangeJson(r)) + '\n';
  if (o.format === 'fields') return fieldsRange(r);
  if (o.countOnly) return `${r.count ?? 0}\n`;
  return (r.kvs ?? []).map((kv) => simpleKv(kv, o)).join('');
}

export function printPut(r: IPutResponse, o: PrintOptions): string {
  if (o.format === 'json') return goJson(putJson(r)) + '\n';
  if (o.format === 'fields') return fieldsPut(r);
  return 'OK\n' + (r.prev_kv ? simpleKv(r.prev_kv, o) : '');
}

export function printDelete(r: IDeleteRangeResponse, o: PrintOptions): string {
  if (o.format === 'json') return goJson(delJson(r)) + '\n';
  if (o.format === 'fields') return fieldsDel(r);
  return `${r.deleted ?? 0}\n` + (r.prev_kvs ?? []).map((kv) => simpleKv(kv, o)).join('');
}

export function printTxn(r: ITxnResponse, o: PrintOptions): string {
  if (o.format === 'json') return goJson(txnJson(r)) + '\n';
  const each = (op: ITxnResponse['responses'][number]) =>
    op.response_range
      ? printRange(op.response_range, o)
      : op.response_put
        ? printPut(op.response_put, o)
        : printDelete(op.response_delete_range, o);
  if (o.format === 'fields')
    return fieldsHeader(r.header) + `"Succeeded" : ${Boolean(r.succeeded)}\n` + (r.responses ?? []).map(each).join('');
  return (r.succeeded ? 'SUCCESS\n' : 'FAILURE\n') + (r.responses ?? []).map((op) => '\n' + each(op)).join('');
}
