/**
 * Where the space under a prefix goes: keys and bytes per child prefix (grouped by '/', as the key
 * tree groups them) down to a depth, the largest keys, and — read from a snapshot — how much history
 * each prefix holds. The aggregator takes one key at a time, as a view into a response or index
 * buffer, and allocates only when it meets a new prefix or a key that makes a top list: keys arrive
 * mostly in order, so the last child looked up is almost always the next one too.
 */
import type { DirFigures } from './dirTable';
import { TopN } from './topN';

/** One key as the report shows it. */
export interface KeyStat {
  key: Buffer;
  /** Key + value bytes. */
  bytes: number;
  valueBytes: number;
  modRevision: number;
  createRevision: number;
  version: number;
  /** Revisions of the key the file holds, tombstones included (snapshots only). */
  revisions?: number;
  /** Bytes those older revisions take (snapshots only). */
  historyBytes?: number;
}

/** History a snapshot holds under a prefix (what compacting at its revision would free). */
export interface HistoryStat {
  /** Revisions stored (every version of every key, tombstones included). */
  revisions: number;
  /** Bytes of the stored entries that are not a live key's newest revision. */
  historyBytes: number;
  /** Keys whose newest revision is a deletion (their history stays until compaction). */
  deletedKeys: number;
}

export interface SpaceNode {
  /** The full prefix ('' for the whole keyspace); ends with '/' below the root. */
  prefix: Buffer;
  /** Live keys under the prefix. */
  keys: number;
  /** Key + value bytes of those keys. */
  bytes: number;
  /** Keys directly at this level (no further '/'), and their bytes. */
  ownKeys: number;
  ownBytes: number;
  /** The largest keys directly at this level (at most the report's `keysPerPrefix`). */
  largest: KeyStat[];
  /** Child prefixes within the depth, largest first. */
  children: SpaceNode[];
  /** Deeper prefixes exist below this node but were not expanded (depth or size limit). */
  folded: boolean;
  history?: HistoryStat;
}

export interface AggregateOptions {
  /** Levels of child prefixes to expand below the root (default 1). */
  depth?: number;
  /** Largest keys to report overall (default 20). */
  top?: number;
  /** Largest keys to keep per prefix, for drawing individual keys (default 10). */
  keysPerPrefix?: number;
  /** Prefix nodes at most; deeper ones are folded into their parent beyond it (default 100,000). */
  maxNodes?: number;
}

/** Per-key figures the aggregator reads (one mutable object reused for every key). */
export interface KeyFigures {
  valueBytes: number;
  modRevision: number;
  createRevision: number;
  version: number;
  /** False for a key whose newest revision is a deletion (snapshots only). */
  live: boolean;
  /** Snapshot only: revisions stored and bytes of the non-newest ones. */
  revisions?: number;
  historyBytes?: number;
}

/**
 * How the aggregator reads the keys it keeps for its top lists: a live scan keeps KeyStats (its
 * buffers do not outlive a response), a snapshot keeps slot numbers of its key table and turns only
 * the winners into KeyStats at the end.
 */
export interface KeySource<K> {
  bytes(k: K): number;
  revisions(k: K): number;
  /** Byte order of the two keys (ties of the top lists go to the smaller key). */
  compareKeys(a: K, b: K): number;
  stat(k: K): KeyStat;
}

/**
 * Byte order of a[as, ae) and b[bs, be). A loop: ties of the top lists compare keys a million times
 * when many keys have one size, and Buffer.compare's call costs ~10x more than the few bytes compared.
 */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = a[as + i] - b[bs + i];
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/** KeyStats as their own source. */
export const KEY_STATS: KeySource<KeyStat> = {
  bytes: (k) => k.bytes,
  revisions: (k) => k.revisions ?? 0,
  compareKeys: (a, b) => compareBytes(a.key, 0, a.key.length, b.key, 0, b.key.length),
  stat: (k) => k,
};

interface Acc<K> {
  prefix: Buffer;
  /** Figures of keys whose deepest expanded node this is. */
  keys: number;
  bytes: number;
  ownKeys: number;
  ownBytes: number;
  revisions: number;
  historyBytes: number;
  deletedKeys: number;
  folded: boolean;
  largest?: TopN<K>;
  children?: Map<string, Acc<K>>;
  /** The child found last, checked first (keys arrive in order). */
  last?: Acc<K>;
}

function newAcc<K>(prefix: Buffer): Acc<K> {
  return { prefix, keys: 0, bytes: 0, ownKeys: 0, ownBytes: 0, revisions: 0, historyBytes: 0, deletedKeys: 0, folded: false };
}

const SLASH = 0x2f;

/** A node of the tree being built, as `addSum` hands it out. */
export type NodeHandle = object;

export class SpaceAggregator<K = KeyStat> {
  private readonly root: Acc<K>;
  private readonly depth: number;
  private readonly keysPerPrefix: number;
  private readonly maxNodes: number;
  private nodes = 1;
  private readonly top: TopN<K>;
  private readonly mostRevisions: TopN<K>;
  private withHistory = false;

  constructor(
    readonly prefix: Buffer,
    opts: AggregateOptions = {},
    private readonly source: KeySource<K> = KEY_STATS as unknown as KeySource<K>,
  ) {
    this.root = newAcc(Buffer.from(prefix));
    this.depth = Math.max(0, opts.depth ?? 1);
    this.keysPerPrefix = opts.keysPerPrefix ?? 10;
    this.maxNodes = opts.maxNodes ?? 100_000;
    this.top = new TopN<K>(opts.top ?? 20, this.smallerKey);
    this.mostRevisions = new TopN<K>(opts.top ?? 20, this.smallerKey);
  }

  /** Ties of the top lists go to the smaller key. */
  private readonly smallerKey = (a: K, b: K): number => this.source.compareKeys(b, a);

  /** Whether the bytes passed to the last `locate` end directly in the node it returned. */
  private own = true;

  /**
   * The deepest expanded node on the path of buf[ks, ke) (a key, or a directory ending with '/'),
   * creating nodes as needed; sets `own` when no '/' follows that node's prefix in the bytes.
   */
  private locate(buf: Uint8Array, ks: number, ke: number): Acc<K> {
    let node = this.root;
    let pos = ks + this.root.prefix.length;
    for (let d = 0; d < this.depth; d++) {
      let slash = pos;
      while (slash < ke && buf[slash] !== SLASH) slash++;
      if (slash >= ke) break;
      const child = this.child(node, buf, ks, slash + 1);
      if (!child) break;
      node = child;
      pos = slash + 1;
    }
    let own = true;
    for (let i = pos; i < ke; i++) {
      if (buf[i] === SLASH) {
        own = false;
        break;
      }
    }
    this.own = own;
    return node;
  }

  /** Adds the key at buf[ks, ke) (it starts with the prefix); for a live scan (K = KeyStat). */
  add(buf: Uint8Array, ks: number, ke: number, f: KeyFigures): void {
    const node = this.locate(buf, ks, ke);
    const own = this.own;
    const bytes = ke - ks + f.valueBytes;
    if (f.revisions !== undefined) {
      this.withHistory = true;
      node.revisions += f.revisions;
      node.historyBytes += f.historyBytes ?? 0;
    }
    if (!own) node.folded = true;
    if (!f.live) {
      node.deletedKeys++;
    } else {
      node.keys++;
      node.bytes += bytes;
      if (own) {
        node.ownKeys++;
        node.ownBytes += bytes;
      }
    }
    if (this.wants(node, own, bytes, f.revisions ?? 0, f.live)) {
      this.offer(node, own, this.stat(buf, ks, ke, f, bytes) as unknown as K, f.live);
    }
  }

  /**
   * Adds the summed figures of keys at one path buf[ps, pe) (starting with the prefix) at once: the
   * keys directly in a directory (the path is its bytes up to its last '/'), or one key (the path is
   * the key). Returns the node they count in and whether they lie directly in it, for `offer`.
   */
  addSum(buf: Uint8Array, ps: number, pe: number, fig: DirFigures): { node: NodeHandle; own: boolean } {
    const node = this.locate(buf, ps, pe);
    const own = this.own;
    this.withHistory = true;
    node.revisions += fig.revisions;
    node.historyBytes += fig.historyBytes;
    node.deletedKeys += fig.deletedKeys;
    node.keys += fig.keys;
    node.bytes += fig.bytes;
    if (own) {
      node.ownKeys += fig.keys;
      node.ownBytes += fig.bytes;
    } else if (fig.keys + fig.deletedKeys > 0) {
      node.folded = true;
    }
    return { node, own };
  }

  /** Whether a key with these figures would make any top list (check before offering it). */
  wants(node: NodeHandle, own: boolean, bytes: number, revisions: number, live: boolean): boolean {
    if (live && this.top.wants(bytes)) return true;
    if (revisions && this.mostRevisions.wants(revisions)) return true;
    if (!live || !own || this.keysPerPrefix === 0) return false;
    const largest = (node as Acc<K>).largest;
    return !largest || largest.wants(bytes);
  }

  /**
   * Offers one key to the top lists: the overall largest and most-revised, and — when it lies
   * directly in `node` (`own`) — the node's largest. `node` is what addSum returned.
   */
  offer(node: NodeHandle, own: boolean, key: K, live: boolean): void {
    const bytes = this.source.bytes(key);
    if (live) {
      if (own && this.keysPerPrefix > 0) {
        const acc = node as Acc<K>;
        (acc.largest ??= new TopN<K>(this.keysPerPrefix, this.smallerKey)).add(key, bytes);
      }
      this.top.add(key, bytes);
    }
    const revisions = this.source.revisions(key);
    if (revisions) this.mostRevisions.add(key, revisions);
  }

  private stat(buf: Uint8Array, ks: number, ke: number, f: KeyFigures, bytes: number): KeyStat {
    const s: KeyStat = {
      key: Buffer.from(buf.subarray(ks, ke)),
      bytes,
      valueBytes: f.valueBytes,
      modRevision: f.modRevision,
      createRevision: f.createRevision,
      version: f.version,
    };
    if (f.revisions !== undefined) {
      s.revisions = f.revisions;
      s.historyBytes = f.historyBytes ?? 0;
    }
    return s;
  }

  /** The child of `node` whose prefix is buf[ks, end); undefined when the node limit is reached. */
  private child(node: Acc<K>, buf: Uint8Array, ks: number, end: number): Acc<K> | undefined {
    const len = end - ks;
    const from = node.prefix.length;
    const last = node.last;
    if (last && last.prefix.length === len) {
      // The bytes up to `from` are the node's own prefix, already matched: compare the segment only.
      const p = last.prefix;
      let j = from;
      while (j < len && p[j] === buf[ks + j]) j++;
      if (j === len) return last;
    }
    const seg = Buffer.from(buf.buffer, buf.byteOffset + ks + from, len - from).toString('latin1');
    node.children ??= new Map();
    let c = node.children.get(seg);
    if (!c) {
      if (this.nodes >= this.maxNodes) return undefined;
      this.nodes++;
      c = newAcc<K>(Buffer.from(buf.subarray(ks, end)));
      node.children.set(seg, c);
    }
    node.last = c;
    return c;
  }

  /** The report tree: totals summed up the tree, children largest first. */
  result(): { root: SpaceNode; largest: KeyStat[]; mostRevisions?: KeyStat[] } {
    const stats = (t: TopN<K> | undefined) => t?.sorted().map((k) => this.source.stat(k)) ?? [];
    const build = (a: Acc<K>): SpaceNode => {
      const children = [...(a.children?.values() ?? [])].map(build).sort((x, y) => y.bytes - x.bytes || Buffer.compare(x.prefix, y.prefix));
      const n: SpaceNode = {
        prefix: a.prefix,
        keys: a.keys,
        bytes: a.bytes,
        ownKeys: a.ownKeys,
        ownBytes: a.ownBytes,
        largest: stats(a.largest),
        children,
        folded: a.folded,
      };
      if (this.withHistory) n.history = { revisions: a.revisions, historyBytes: a.historyBytes, deletedKeys: a.deletedKeys };
      for (const c of children) {
        n.keys += c.keys;
        n.bytes += c.bytes;
        if (n.history && c.history) {
          n.history.revisions += c.history.revisions;
          n.history.historyBytes += c.history.historyBytes;
          n.history.deletedKeys += c.history.deletedKeys;
        }
      }
      return n;
    };
    return {
      root: build(this.root),
      largest: stats(this.top),
      ...(this.withHistory ? { mostRevisions: stats(this.mostRevisions) } : {}),
    };
  }
}
