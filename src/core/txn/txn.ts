/**
 * Typed etcd transactions: compares, then-ops and else-ops (put / get / delete, single keys or
 * ranges), run as one Txn, with every op's result in a readable form.
 */
import type { ICompare, IRequestOp, IResponseOp, ITxnResponse } from '../etcd/etcd3Adapter';
import { EtcdStudioError } from '../errors';
import type { EtcdConnection } from '../etcd/connection';
import { keyToText } from '../keytree';
import { prefixRangeEnd, prefixStart } from '../keytree/rangeEnd';
import { leaseIdToDecimal } from '../leases/leases';

type Bytes = Uint8Array | string;

/** Which field of the key a compare looks at (etcdctl: ver, c, m, val, lease). */
export type CompareTarget = 'version' | 'create' | 'mod' | 'value' | 'lease';
export type CompareOp = '=' | '!=' | '<' | '>';

/** A key, a prefix (`prefix: true`) or a range [key, rangeEnd). */
export interface KeyRange {
  key: Bytes;
  rangeEnd?: Bytes;
  prefix?: boolean;
}

export interface TxnCompare extends KeyRange {
  target: CompareTarget;
  op: CompareOp;
  /** A revision/version number, the value bytes, or a lease id in hex (0 = no lease). */
  value: number | Bytes;
}

export type TxnOp =
  | { op: 'put'; key: Bytes; value: Bytes; lease?: string; prevKv?: boolean }
  | ({ op: 'get'; limit?: number; keysOnly?: boolean; countOnly?: boolean; revision?: number } & KeyRange)
  | ({ op: 'delete'; prevKv?: boolean } & KeyRange);

export interface TxnRequest {
  compare: TxnCompare[];
  success: TxnOp[];
  failure?: TxnOp[];
}

export interface TxnKeyValue {
  key: Buffer;
  keyText: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: string;
}

export type TxnOpResult =
  | { op: 'put'; key: string; prevKv?: TxnKeyValue }
  | { op: 'get'; kvs: TxnKeyValue[]; count: number; more: boolean }
  | { op: 'delete'; deleted: number; prevKvs: TxnKeyValue[] };

export interface TxnResult {
  succeeded: boolean;
  /** Store revision after the transaction. */
  revision: number;
  /** Results of the branch that ran (then-ops if succeeded, else-ops otherwise), in order. */
  results: TxnOpResult[];
  /** etcd's answer as is, for printing it as etcdctl does (core/output). */
  response: ITxnResponse;
}

const RESULTS: Record<CompareOp, ICompare['result']> = { '=': 'Equal', '!=': 'NotEqual', '<': 'Less', '>': 'Greater' };
const TARGETS: Record<CompareTarget, ICompare['target']> = {
  version: 'Version',
  create: 'Create',
  mod: 'Mod',
  value: 'Value',
  lease: 'Lease',
};

function range(r: KeyRange): { key: Buffer; range_end?: Buffer } {
  const key = Buffer.from(r.key);
  if (r.prefix) return { key: prefixStart(key), range_end: prefixRangeEnd(key) };
  return r.rangeEnd !== undefined ? { key, range_end: Buffer.from(r.rangeEnd) } : { key };
}

function toCompare(c: TxnCompare): ICompare {
  const base: ICompare = { ...range(c), target: TARGETS[c.target], result: RESULTS[c.op] };
  const num = () => {
    const n = typeof c.value === 'number' ? c.value : Number(Buffer.from(c.value).toString());
    if (!Number.isInteger(n) || n < 0)
      throw new EtcdStudioError('InvalidArgument', `Compare ${c.target} needs a whole number, got "${String(c.value)}".`);
    return n;
  };
  switch (c.target) {
    case 'version':
      return { ...base, version: num() };
    case 'create':
      return { ...base, create_revision: num() };
    case 'mod':
      return { ...base, mod_revision: num() };
    case 'value':
      return { ...base, value: Buffer.from(typeof c.value === 'number' ? String(c.value) : c.value) };
    case 'lease':
      return {
        ...base,
        lease:
          String(c.value) === '0'
            ? 0
            : leaseIdToDecimal(String(typeof c.value === 'number' ? c.value.toString(16) : Buffer.from(c.value).toString())),
      };
  }
}

function toRequestOp(op: TxnOp): IRequestOp {
  switch (op.op) {
    case 'put':
      return {
        request_put: {
          key: Buffer.from(op.key),
          value: Buffer.from(op.value),
          ...(op.lease && op.lease !== '0' ? { lease: leaseIdToDecimal(op.lease) } : {}),
          prev_kv: op.prevKv ?? false,
        },
      };
    case 'get':
      return {
        request_range: {
          ...range(op),
          limit: op.limit ?? 0,
          keys_only: op.keysOnly ?? false,
          count_only: op.countOnly ?? false,
          ...(op.revision ? { revision: op.revision } : {}),
        },
      };
    case 'delete':
      return { request_delete_range: { ...range(op), prev_kv: op.prevKv ?? false } };
  }
}

function kvOf(kv: {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
  lease: string;
}): TxnKeyValue {
  return {
    key: kv.key,
    keyText: keyToText(kv.key),
    value: kv.value,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
    lease: kv.lease && kv.lease !== '0' ? BigInt(kv.lease).toString(16) : '0',
  };
}

function toResult(op: TxnOp, r: IResponseOp): TxnOpResult {
  if (r.response_put)
    return { op: 'put', key: keyToText(Buffer.from(op.key)), ...(r.response_put.prev_kv ? { prevKv: kvOf(r.response_put.prev_kv) } : {}) };
  if (r.response_range)
    return {
      op: 'get',
      kvs: (r.response_range.kvs ?? []).map(kvOf),
      count: Number(r.response_range.count),
      more: Boolean(r.response_range.more),
    };
  if (r.response_delete_range)
    return { op: 'delete', deleted: Number(r.response_delete_range.deleted), prevKvs: (r.response_delete_range.prev_kvs ?? []).map(kvOf) };
  throw new EtcdStudioError('Internal', 'etcd answered a transaction op with an unknown response type.');
}

/** Runs the transaction; refuses on a read-only connection when any branch writes. */
export async function runTxn(conn: EtcdConnection, req: TxnRequest): Promise<TxnResult> {
  const failure = req.failure ?? [];
  if ([...req.success, ...failure].some((o) => o.op !== 'get')) conn.assertWritable('a transaction that writes');
  const res = await conn.txn(
    { compare: req.compare.map(toCompare), success: req.success.map(toRequestOp), failure: failure.map(toRequestOp) },
    'a transaction that writes',
  );
  const ran = res.succeeded ? req.success : failure;
  return {
    succeeded: res.succeeded,
    revision: Number(res.header.revision),
    results: (res.responses ?? []).map((r, i) => toResult(ran[i], r)),
    response: res,
  };
}

/** Fluent form: `txn().when('/k', 'mod', '=', 12).then(put('/k', 'v')).else(get('/k')).run(conn)`. */
export class TxnBuilder {
  private readonly req: TxnRequest = { compare: [], success: [], failure: [] };

  when(key: Bytes, target: CompareTarget, op: CompareOp, value: number | Bytes, range?: { rangeEnd?: Bytes; prefix?: boolean }): this {
    this.req.compare.push({ key, target, op, value, ...range });
    return this;
  }

  then(...ops: TxnOp[]): this {
    this.req.success.push(...ops);
    return this;
  }

  else(...ops: TxnOp[]): this {
    this.req.failure!.push(...ops);
    return this;
  }

  request(): TxnRequest {
    return { compare: [...this.req.compare], success: [...this.req.success], failure: [...this.req.failure!] };
  }

  run(conn: EtcdConnection): Promise<TxnResult> {
    return runTxn(conn, this.request());
  }
}

export function txn(): TxnBuilder {
  return new TxnBuilder();
}

export const put = (key: Bytes, value: Bytes, opts: { lease?: string; prevKv?: boolean } = {}): TxnOp => ({
  op: 'put',
  key,
  value,
  ...opts,
});
export const get = (key: Bytes, opts: Omit<Extract<TxnOp, { op: 'get' }>, 'op' | 'key'> = {}): TxnOp => ({ op: 'get', key, ...opts });
export const del = (key: Bytes, opts: Omit<Extract<TxnOp, { op: 'delete' }>, 'op' | 'key'> = {}): TxnOp => ({ op: 'delete', key, ...opts });
