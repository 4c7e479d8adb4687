/**
 * The events a range watch delivers, in etcd's order: plain fields with numbers (not etcd3's decimal
 * strings) so consumers can compare revisions directly.
 */
import type { IEvent } from '../etcd/etcd3Adapter';

export interface WatchEvent {
  type: 'put' | 'delete';
  key: Buffer;
  /** The new value; empty for a delete. */
  value: Buffer;
  /** The value before this event, when the watch asked for it (prevKv) and etcd still had it. */
  prevValue?: Buffer;
  /** Revision of the change; the events of one transaction share it. */
  modRevision: number;
  /** Revision that created the key (0 for a delete). */
  createRevision: number;
  /** Number of writes since the key was created (1 = this put created it; 0 for a delete). */
  version: number;
  /** Lease id in hex as etcdctl prints it, '0' for none. */
  lease: string;
}

/** A run of events handed to the consumer at once, in revision order. */
export interface WatchBatch {
  events: WatchEvent[];
  /** Revision of the first and last event of the batch. */
  firstRevision: number;
  lastRevision: number;
}

export function toWatchEvent(ev: IEvent): WatchEvent {
  const kv = ev.kv;
  const lease = kv.lease ? String(kv.lease) : '0';
  return {
    type: ev.type === 'Delete' ? 'delete' : 'put',
    key: kv.key,
    value: kv.value ?? Buffer.alloc(0),
    ...(ev.prev_kv ? { prevValue: ev.prev_kv.value } : {}),
    modRevision: Number(kv.mod_revision),
    createRevision: Number(kv.create_revision),
    version: Number(kv.version),
    lease: lease === '0' ? '0' : BigInt(lease).toString(16),
  };
}
