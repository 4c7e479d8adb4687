/**
 * Searching the decoded values under a prefix: every key read once at one revision (scanPrefix),
 * values ruled out from their stored bytes where that is sound (prefilter.ts) — one search of each
 * response buffer per literal, not one per value — and only the rest decoded and matched. Matches are
 * reported as they are found, in key order.
 */
import type { EtcdConnection } from '../etcd/connection';
import type { RawKvs } from '../etcd/rangeWire';
import { EtcdStudioError } from '../errors';
import { keyToText } from '../keytree/keyText';
import { scanPrefix } from '../scan/prefixScan';
import { matchValue, MatchOptions, SkipReason, ValueMatch } from './matchValue';
import { base64Kinds, kindIn, Prefilter } from './prefilter';
import type { SearchQuery } from './query';
import { escapeRegex } from './requiredLiteral';

export interface GrepHit extends ValueMatch {
  key: Buffer;
  modRevision: number;
  createRevision: number;
  version: number;
}

export interface GrepStats {
  revision: number;
  /** Keys read. */
  scanned: number;
  /** Values decoded (the rest were ruled out from their bytes). */
  decoded: number;
  /** Keys that matched. */
  matched: number;
  skipped: Record<SkipReason, number>;
  /** Stopped at `limit` matches before reading every key. */
  limited: boolean;
  ms: number;
}

export interface GrepOptions extends MatchOptions {
  signal?: AbortSignal;
  /** Keys read so far and the total expected. */
  onProgress?: (scanned: number, total: number, matched: number) => void;
  /** Stop after this many matching keys. */
  limit?: number;
  revision?: number;
  concurrency?: number;
}

const K8S = [0x6b, 0x38, 0x73, 0x00];

type ValueKind = 'protobuf' | 'json' | 'encrypted' | 'cbor' | 'other';

function kindOfValue(buf: Buffer, vs: number, ve: number): ValueKind {
  if (ve - vs >= 4 && buf[vs] === K8S[0] && buf[vs + 1] === K8S[1] && buf[vs + 2] === K8S[2]) {
    if (buf[vs + 3] === K8S[3]) return 'protobuf';
    if (buf[vs + 3] === 0x3a) return 'encrypted';
  }
  if (ve - vs >= 3 && buf[vs] === 0xd9 && buf[vs + 1] === 0xd9 && buf[vs + 2] === 0xf7) return 'cbor';
  let i = vs;
  while (i < ve && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  return buf[i] === 0x7b ? 'json' : 'other';
}

/** Per key-value of a response: whether the literal occurs inside its value (one search of the buffer). */
function occurrences(kvs: RawKvs, p: Prefilter, latin1?: () => string): Uint8Array {
  const n = kvs.length;
  const marks = new Uint8Array(n);
  if (!n) return marks;
  const o = kvs.offsets;
  const len = p.literal.length;
  let find: (from: number) => number;
  if (p.ignoreCase) {
    const re = new RegExp(escapeRegex(p.literal.toString('latin1')), 'gi');
    const text = latin1!();
    find = (from) => {
      re.lastIndex = from;
      const m = re.exec(text);
      return m ? m.index : -1;
    };
  } else {
    find = (from) => kvs.buf.indexOf(p.literal, from);
  }
  let i = 0;
  let x = find(o[2]);
  while (x >= 0 && i < n) {
    while (i < n && o[i * 4 + 3] < x + len) i++;
    if (i >= n) break;
    if (x >= o[i * 4 + 2]) {
      marks[i] = 1;
      if (++i >= n) break;
      x = find(o[i * 4 + 2]);
    } else {
      x = find(o[i * 4 + 2]);
    }
  }
  return marks;
}

/** Which key-values of a response may match (1): the prefilters' literals present, or not ruled out. */
export function candidates(kvs: RawKvs, q: SearchQuery): Uint8Array {
  const n = kvs.length;
  const ok = new Uint8Array(n).fill(1);
  if (!q.prefilters.length) return ok;
  let text: string | undefined;
  const latin1 = () => (text ??= kvs.buf.toString('latin1'));
  const o = kvs.offsets;
  const kinds = q.prefilters.some((p) => p.base64) ? base64Kinds() : [];
  for (const p of q.prefilters) {
    const marks = occurrences(kvs, p, latin1);
    for (let i = 0; i < n; i++) {
      if (!ok[i] || marks[i]) continue;
      const vs = o[i * 4 + 2];
      const ve = o[i * 4 + 3];
      switch (kindOfValue(kvs.buf, vs, ve)) {
        case 'protobuf':
          ok[i] = !p.protobuf || (p.base64 && kindIn(kvs.buf, vs, ve, kinds)) ? 1 : 0;
          break;
        case 'json':
          ok[i] = !p.json || kvs.buf.subarray(vs, ve).includes(0x5c) ? 1 : 0;
          break;
        case 'encrypted':
          // The plaintext decides; without a decryptor it is counted as skipped.
          ok[i] = 1;
          break;
        case 'cbor':
          ok[i] = 1;
          break;
        default:
          // Text holds the literal as it is, binary values are never searched, field matches need objects.
          ok[i] = 0;
      }
    }
  }
  return ok;
}

/**
 * Searches the values under `prefix` with `q`, calling `onHit` for each matching key in key order.
 * Cancelling `signal` stops it with a Cancelled error; `limit` stops it early without one.
 */
export async function grepPrefix(
  conn: EtcdConnection,
  prefix: Buffer,
  q: SearchQuery,
  onHit: (hit: GrepHit) => void,
  opts: GrepOptions = {},
): Promise<GrepStats> {
  const started = Date.now();
  const stats: GrepStats = {
    revision: 0,
    scanned: 0,
    decoded: 0,
    matched: 0,
    skipped: { encrypted: 0, binary: 0, undecodable: 0 },
    limited: false,
    ms: 0,
  };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort();
  try {
    const r = await scanPrefix(
      conn,
      prefix,
      (kvs) => {
        stats.revision = kvs.revision;
        const ok = candidates(kvs, q);
        const { buf, offsets: o, numbers } = kvs;
        for (let i = 0; i < kvs.length && !stats.limited; i++) {
          stats.scanned++;
          if (!ok[i]) continue;
          const key = buf.subarray(o[i * 4], o[i * 4 + 1]);
          const value = buf.subarray(o[i * 4 + 2], o[i * 4 + 3]);
          stats.decoded++;
          const m = matchValue(keyToText(key), value, q, opts);
          if (m === undefined) continue;
          if (typeof m === 'string') {
            stats.skipped[m]++;
            continue;
          }
          stats.matched++;
          onHit({
            ...m,
            key: Buffer.from(key),
            createRevision: numbers[i * 3],
            modRevision: numbers[i * 3 + 1],
            version: numbers[i * 3 + 2],
          });
          if (opts.limit !== undefined && stats.matched >= opts.limit) {
            stats.limited = true;
            stop.abort();
          }
        }
      },
      {
        signal: stop.signal,
        revision: opts.revision,
        concurrency: opts.concurrency,
        onProgress: (keys, total) => opts.onProgress?.(keys, total, stats.matched),
      },
    );
    stats.revision = r.revision;
  } catch (e) {
    if (!(stats.limited && e instanceof EtcdStudioError && e.code === 'Cancelled')) throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  stats.ms = Date.now() - started;
  return stats;
}
