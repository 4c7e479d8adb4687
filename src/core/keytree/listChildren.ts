/**
 * Lists the immediate children of a key prefix (what one level of the key tree shows) without
 * reading the subtree. Children are grouped by '/': a child is the bytes after the prefix up to and
 * including the next '/' (a prefix child), or a whole key with no further '/' (a key child).
 *
 * Cost model (etcd 3.4, measured): a Range costs ~0.5 us for every key of its [key, range_end)
 * interval even with `limit`, and ~10 us for every key it returns. So:
 *  - the first round probes the prefix split by the first byte of the child segment (one small-limit
 *    keys-only range per byte, batched in parallel txns): every key is counted once, in parallel. Where
 *    the children are largely known in advance (the Kubernetes resources under /registry/), the exact
 *    range of each known child is a piece of its own: it is counted once and needs no skip-scan at all;
 *  - each first-round txn is followed up as soon as it answers, and follow-ups go ahead of the first
 *    round's queued txns, so the dependent rounds overlap the first one instead of waiting for all of it;
 *  - an interval whose first keys show many small children is read in keys-only pages;
 *  - an interval dominated by one child is skipped past: the rest of it is split along the prefixes
 *    of that child's range end (levelGaps), so each probe counts only nearby siblings, not the whole
 *    rest of the listing; when the rest is large its shallowest piece is also split per next byte, so
 *    many siblings are found in parallel rather than one per round trip; the probes asked for in one
 *    event-loop turn share txns (RangeReader.probeBatched);
 *  - under a prefix with no children known in advance, every level is split so, and the levels where a
 *    numbered or lettered family varies (app-1, app-10 … app-39) one byte deeper, so that each sibling has
 *    a piece of its own: its keys are counted once more, in parallel, and its piece needs no further
 *    split. The first probe still counts the whole family in one request: before a key has been seen,
 *    no split can separate names that share a stem (see the README on children nobody knows);
 *  - counts come free: a child's key count is its interval's count minus the counts of the pieces
 *    after it, so there is no separate count pass.
 * Every request reads at one revision, so the listing (counts included) is one consistent snapshot.
 */
import type { IKeyValue } from '../etcd/etcd3Adapter';
import { EtcdConnection, hexId } from '../etcd/connection';
import { EtcdStudioError } from '../errors';
import { levelGaps, SPLIT_BYTES, splitAtByte, splitAtKeys, splitDeeper, stemBytes } from './intervals';
import { REGISTRY_PREFIX, RESOURCE_KINDS } from './k8sKey';
import { keyToText } from './keyText';
import { beforeEnd, keySuccessor, prefixRangeEnd, prefixStart, skipPastChild } from './rangeEnd';
import { Interval, Probe, RangeReader, RevisionCompactedError } from './rangeReader';

export interface PrefixChild {
  kind: 'prefix';
  /** Full key prefix, ending with '/'. */
  key: Buffer;
  /** Display text of the bytes after the parent prefix, with the trailing '/' (escaped, see keyText). */
  segment: string;
  /** Keys under this prefix (omitted when `counts: false`). */
  count?: number;
}

export interface KeyChild {
  kind: 'key';
  key: Buffer;
  /** Display text of the bytes after the parent prefix ('' for a key equal to the prefix itself). */
  segment: string;
  version: number;
  modRevision: number;
  createRevision: number;
  /** Lease id in hex as etcdctl prints it, '0' when none. */
  lease: string;
  /** Value size in bytes. */
  size: number;
}

export type Child = PrefixChild | KeyChild;

export interface ListChildrenOptions {
  /** Children per page (default 1000); `next` is set when there are more. */
  limit?: number;
  /** Resume point: the `next` of a previous page (children at or after this key). */
  after?: Buffer;
  signal?: AbortSignal;
  /** Include key counts of prefix children (default true; they cost nothing extra). */
  counts?: boolean;
  /** Read at this revision, e.g. the first page's, so "Load more" continues the same snapshot. */
  revision?: number;
  /** Requests in flight at most (default 16). */
  concurrency?: number;
}

export interface ListChildrenResult {
  children: Child[];
  /** Cursor for the next page (pass as `after`), set when more children exist. */
  next?: Buffer;
  /** The revision every request read at. */
  revision: number;
  /** What the listing cost: requests, ranges, keys etcd counted and returned, sequential request rounds. */
  stats: ListingStats;
}

export interface ListingStats {
  requests: number;
  ranges: number;
  keysCounted: number;
  keysReturned: number;
  rounds: number;
}

export const DEFAULT_LIMIT = 1000;
/** Keys a probe returns: enough to tell "many small children" from "one big child". */
const SAMPLE = 8;
/** Keys a page returns when reading small children. */
const PAGE = 1000;
/** A rest this small is cheaper to read than to skip over. */
const READ_REST_MAX = 32;
/** Average keys per child in a sample at or under which reading beats skipping (~10 us a key vs ~1 request). */
const DENSE_KEYS_PER_CHILD = 4;
/** A rest with at least this many keys is split per byte after a skip (see consume). */
const FAN_OUT_MIN = 512;
/** First-round ranges per txn at least: small txns, so etcd runs them on all cores… */
const FIRST_ROUND_PER_TXN = 8;
/** …and about this many first-round txns when there are more ranges (more would only add round trips). */
const FIRST_ROUND_TXNS = 8;
/** Default requests in flight: the first round's txns and the follow-ups they lead to. */
const DEFAULT_CONCURRENCY = 16;

/** Storage paths of the Kubernetes resources known in advance, as full keys: '/registry/pods/', … */
const KNOWN_PATHS: readonly string[] = [...new Set(Object.keys(RESOURCE_KINDS).map((r) => `${REGISTRY_PREFIX}${r}/`))];

/**
 * Children of `prefix` that are likely to exist because Kubernetes stores its built-in resources there
 * ('pods/', 'services/', … under /registry/; 'specs/', 'endpoints/' under /registry/services/): their
 * exact ranges become first-round pieces of their own. Only a cost heuristic: a known child that is
 * absent costs an empty probe, and unknown children are found in the pieces between.
 */
export function knownChildren(prefix: Buffer): Buffer[] {
  const text = prefix.toString('latin1');
  const out = new Set<string>();
  for (const path of KNOWN_PATHS) {
    if (path.length <= text.length || !path.startsWith(text)) continue;
    out.add(path.slice(text.length, path.indexOf('/', text.length) + 1));
  }
  return [...out].map((s) => Buffer.from(s, 'latin1'));
}

/** One child being assembled. */
interface Found {
  segment: Buffer;
  isPrefix: boolean;
  /** Where the child's keys start (its prefix, or the key itself). */
  start: Buffer;
  count: number;
  kv?: IKeyValue;
}

/** One listing: the prefix, what has been found, and the recursion over probes. */
class Lister {
  private readonly found = new Map<string, Found>();
  private readonly want: number;
  /** Longest chain of dependent requests so far. */
  rounds = 0;
  /** No children of this prefix are known in advance (see knownChildren). */
  private readonly generic: boolean;

  constructor(
    private readonly prefix: Buffer,
    private readonly reader: RangeReader,
    limit: number,
  ) {
    // One more than the page so we know whether there is a next page.
    this.want = limit + 1;
    this.generic = knownChildren(prefix).length === 0;
  }

  children(): Found[] {
    return [...this.found.values()].sort((a, b) => Buffer.compare(a.start, b.start));
  }

  async run(from: Buffer, end: Buffer): Promise<void> {
    const near = levelGaps(from, end, this.prefix.length);
    const far = near.pop()!;
    const known = knownChildren(this.prefix).flatMap((c) => {
      const start = Buffer.concat([this.prefix, c]);
      return [start, prefixRangeEnd(start)];
    });
    const intervals = splitAtKeys([...near, ...splitAtByte(far, this.prefix)], known);
    // Dealt round-robin into txns, so that crowded stretches of keys spread over all of them; each txn's
    // probes are followed up as soon as it answers.
    const perTxn = Math.max(FIRST_ROUND_PER_TXN, Math.ceil(intervals.length / FIRST_ROUND_TXNS));
    const txns: Interval[][] = Array.from({ length: Math.ceil(intervals.length / perTxn) }, () => []);
    intervals.forEach((iv, i) => txns[i % txns.length].push(iv));
    await Promise.all(
      txns.map(async (t) => {
        const probes = await this.reader.probe(t, SAMPLE);
        await Promise.all(probes.map((p) => this.consume(p, 1)));
      }),
    );
  }

  /**
   * Takes in the first keys and count of an interval, then reads or skips the rest of it. `fanned`: the
   * interval is a piece of a fan-out (see below), so it most likely holds one child.
   */
  private async consume(p: Probe, round: number, fanned = false): Promise<void> {
    this.rounds = Math.max(this.rounds, round);
    if (p.count === 0 || this.beyondPage(p.interval.start)) return;
    let last: Found | undefined;
    let distinct = 0;
    for (const kv of p.kvs) {
      const f = this.add(kv);
      if (f !== last) distinct++;
      last = f;
    }
    const rest = p.count - p.kvs.length;
    if (rest <= 0 || !last) return;
    const lastKey = p.kvs[p.kvs.length - 1].key;
    const dense = p.kvs.length / distinct <= DENSE_KEYS_PER_CHILD && distinct > 1;
    const after = { start: keySuccessor(lastKey), end: p.interval.end };
    // A piece of a generic fan-out most likely holds one child: skipping the rest of it (gaps probed
    // whole, nearly always empty) transfers nothing, where reading it moves every key (~10 us each).
    const onePiece = this.generic && fanned;
    if (rest <= READ_REST_MAX && !onePiece) {
      // Read whole in a shared txn: many children end so at once, one request each would cost a round
      // trip (and a linearizable read) apiece.
      const [next] = await this.reader.probeBatched([after], READ_REST_MAX, round);
      return this.consume(next, round + 1, fanned);
    }
    if (dense && !onePiece) return this.consume(await this.reader.page(after, PAGE, round), round + 1, fanned);
    // Skip the rest of the last child: probe the pieces after it; what they do not hold is its own.
    const from = last.isPrefix ? skipPastChild(this.prefix, last.segment) : keySuccessor(lastKey);
    if (!beforeEnd(from, p.interval.end)) {
      last.count += rest;
      return;
    }
    let gaps = levelGaps(from, p.interval.end, this.prefix.length);
    let fanOut = rest >= FAN_OUT_MIN;
    if (this.generic) {
      // A piece of a fan-out most likely holds its child alone: the gaps after it are probed whole (nearly
      // always empty, so nearly free). One that is not (a crowded family such as ns-100 … ns-109 inside the
      // piece ns-10) fans out again, lightly if it is small, rather than finding one sibling per round trip.
      fanOut = !fanned;
      if (fanOut) gaps = this.fanOutGeneric(gaps, last, rest >= FAN_OUT_MIN);
    } else if (fanOut) {
      // Siblings that differ early are found in parallel, one piece per next byte, instead of one per
      // round trip.
      const g = gaps[gaps.length - 1];
      gaps = [...gaps.slice(0, -1), ...splitAtByte(g, g.start.subarray(0, g.start.length - 1), g.start[g.start.length - 1])];
    }
    // Priority `round`: deeper follow-ups first, the critical path of the listing.
    // A generic fan-out's pieces only need their first key: each most likely holds one child, skipped as a whole.
    const pieces = await this.reader.probeBatched(gaps, this.generic && fanOut ? 1 : SAMPLE, round);
    last.count += rest - pieces.reduce((n, q) => n + q.count, 0);
    await Promise.all(pieces.map((q) => this.consume(q, round + 1, fanOut)));
  }

  /**
   * The fan-out without children known in advance. Names like app-0 … app-39 share a long prefix, so
   * their siblings sit in the deep levels after a child, not just the shallowest. The two deepest levels
   * (names that extend the child's name, names that differ in its last byte) are split at the bytes of the
   * same kind as that last byte (stemBytes) and, when `full`, one byte deeper still (app-1 at app-1/, app-10
   * … app-19), so each sibling of a numbered or lettered family is counted once, by a piece of its own, in
   * one round; when `full`, the shallower levels are split per next byte too, else probed whole.
   */
  private fanOutGeneric(gaps: Interval[], last: Found, full: boolean): Interval[] {
    const name = last.isPrefix ? last.segment.subarray(0, last.segment.length - 1) : last.segment;
    const byte = name.length > 0 ? name[name.length - 1] : -1;
    const bytes = stemBytes(byte);
    return gaps.flatMap((g, i) => {
      const depth = g.start.length - 1;
      const at = (bs: readonly number[]) => splitAtByte(g, g.start.subarray(0, depth), g.start[depth], bs);
      if (i >= 2 || !bytes) return full || i < 2 ? at(SPLIT_BYTES) : [g];
      return full ? splitDeeper(at(bytes), depth, byte) : at(bytes);
    });
  }

  private add(kv: IKeyValue): Found {
    const key = kv.key;
    const slash = key.indexOf(0x2f, this.prefix.length);
    const segment = slash < 0 ? key.subarray(this.prefix.length) : key.subarray(this.prefix.length, slash + 1);
    const id = (slash < 0 ? 'k' : 'p') + segment.toString('latin1');
    let f = this.found.get(id);
    if (!f) {
      f = { segment: Buffer.from(segment), isPrefix: slash >= 0, start: slash < 0 ? key : key.subarray(0, slash + 1), count: 0 };
      this.found.set(id, f);
    }
    f.count++;
    if (slash < 0) f.kv = kv;
    return f;
  }

  /**
   * Whether an interval starts after the page: `want` children already start before it. Those are
   * real children, so nothing inside it can be among the first `want - 1`.
   */
  private beyondPage(start: Buffer): boolean {
    if (this.found.size < this.want) return false;
    let before = 0;
    for (const f of this.found.values()) {
      if (Buffer.compare(f.start, start) < 0 && ++before >= this.want) return true;
    }
    return false;
  }
}

function childEnd(prefix: Buffer, f: Found): Buffer {
  return f.isPrefix ? skipPastChild(prefix, f.segment) : keySuccessor(f.start);
}

async function listOnce(conn: EtcdConnection, prefix: Buffer, opts: ListChildrenOptions): Promise<ListChildrenResult> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new EtcdStudioError('InvalidArgument', `The page size must be a whole number of at least 1, got ${limit}.`);
  const reader = new RangeReader(conn, {
    revision: opts.revision,
    signal: opts.signal,
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
  });
  const start = prefixStart(prefix);
  const end = prefixRangeEnd(prefix);
  const from = opts.after && Buffer.compare(opts.after, start) > 0 ? opts.after : start;
  const revision = await reader.pin(start);
  const lister = new Lister(prefix, reader, limit);
  const stats = () => ({ ...reader.stats, rounds: lister.rounds });
  if (!beforeEnd(from, end)) return { children: [], revision, stats: stats() };

  await lister.run(from, end);
  const found = lister.children();
  const page = found.slice(0, limit);
  const next = found.length > limit ? childEnd(prefix, page[page.length - 1]) : undefined;

  // Value sizes only for the key children shown (prefix children never need values).
  const leaves = page.filter((f) => !f.isPrefix).map((f) => f.start);
  const sizes = leaves.length ? await reader.valueSizes(leaves) : new Map<string, number>();
  const children = page.map((f): Child => {
    const segment = keyToText(f.segment);
    if (f.isPrefix) return { kind: 'prefix', key: Buffer.from(f.start), segment, ...(opts.counts === false ? {} : { count: f.count }) };
    const kv = f.kv!;
    return {
      kind: 'key',
      key: Buffer.from(f.start),
      segment,
      version: Number(kv.version),
      modRevision: Number(kv.mod_revision),
      createRevision: Number(kv.create_revision),
      lease: hexId(kv.lease || '0'),
      size: sizes.get(f.start.toString('latin1')) ?? 0,
    };
  });
  return { children, next, revision, stats: stats() };
}

/**
 * The immediate children of `prefix` in byte order, one page at a time (see the file comment for
 * how). `prefix` '' lists the top level of the whole keyspace.
 */
export async function listChildren(conn: EtcdConnection, prefix: Buffer, opts: ListChildrenOptions = {}): Promise<ListChildrenResult> {
  try {
    return await listOnce(conn, prefix, opts);
  } catch (e) {
    // Our own pinned revision compacted mid-listing: list again at the newest revision, once.
    if (e instanceof RevisionCompactedError && opts.revision === undefined) return listOnce(conn, prefix, opts);
    throw e;
  }
}
