/**
 * Space analysis of a snapshot file or a stopped member's db, without etcd: one pass over the `key`
 * bucket (the MVCC log: every revision of every key, in revision order) records each key's revisions
 * and its newest state (KeyHistoryTable); the per-prefix tree is then built from that table for any
 * prefix and depth, as often as asked (drilling down needs no second pass over the file).
 *
 * Besides what a live analysis shows it tells how much is history: revisions per key and the bytes of
 * every stored entry that is not a live key's newest revision — what compacting at the file's
 * revision would free — and how much of the file is free pages (what a defragmentation would return).
 */
import { corrupt, forEachLeaf } from '../bbolt';
import { PAGE_HEADER_SIZE } from '../bbolt/page';
import { NO_FREELIST } from '../bbolt/meta';
import { EtcdStudioError } from '../errors';
import { keyToText } from '../keytree/keyText';
import { openEtcdDb, readEtcdMeta } from '../snapshot/etcdDb';
import { keyRangeOf } from '../snapshot/keyValue';
import { REVISION_BYTES } from '../snapshot/revision';
import { throwIfAborted } from '../snapshot/status';
import { KeyHistoryTable } from './keyHistoryTable';
import type { SpaceReport, StorageStat } from './report';
import { AggregateOptions, compareBytes, NodeHandle, SpaceAggregator } from './spaceTree';

export interface SnapshotSpaceOptions {
  signal?: AbortSignal;
  /** Bytes of the file read so far, and its size. */
  onProgress?: (bytes: number, total: number) => void;
  /** Only keys under this prefix are recorded (the file is still read whole). */
  prefix?: Buffer;
}

/** A snapshot read for space analysis; `report` answers any prefix and depth from memory. */
export class SnapshotSpace {
  constructor(
    readonly file: string,
    private readonly keys: KeyHistoryTable,
    /** Only keys under this prefix were recorded. */
    readonly scope: Buffer,
    readonly revision: number,
    readonly compactRevision: number,
    readonly storage: StorageStat,
    private readonly readMs: number,
    private readonly bytesRead: number,
  ) {}

  /** Bytes the analysis holds in memory. */
  get memoryBytes(): number {
    return this.keys.bytes;
  }

  report(prefix: Buffer, opts: AggregateOptions = {}): SpaceReport {
    const started = Date.now();
    if (!startsWith(prefix, 0, prefix.length, this.scope)) {
      throw new EtcdStudioError(
        'InvalidArgument',
        `Only keys under ${keyToText(this.scope)} were analysed in ${this.file}; analyse the file again for ${keyToText(prefix)}.`,
      );
    }
    const t = this.keys;
    const agg = new SpaceAggregator<number>(prefix, opts, {
      bytes: (slot) => t.keyLength(slot) + t.valueBytes(slot),
      revisions: (slot) => t.revisions(slot),
      compareKeys: (x, y) => {
        const a = t.keyOffset(x);
        const b = t.keyOffset(y);
        return compareBytes(t.keyChunk(x), a, a + t.keyLength(x), t.keyChunk(y), b, b + t.keyLength(y));
      },
      stat: (slot) => {
        const at = t.keyOffset(slot);
        const valueBytes = t.valueBytes(slot);
        return {
          key: Buffer.from(t.keyChunk(slot).subarray(at, at + t.keyLength(slot))),
          bytes: t.keyLength(slot) + valueBytes,
          valueBytes,
          modRevision: t.modRevision(slot),
          createRevision: t.createRevision(slot),
          version: t.version(slot),
          revisions: t.revisions(slot),
          historyBytes: t.historyBytes(slot),
        };
      },
    });
    const dirs = t.dirs;
    // Directories wholly under the prefix are added as one sum each; a directory the prefix ends inside
    // (prefix "/registry/po" and directory "/registry/") holds keys on both sides: those go one by one.
    const placed: ({ node: NodeHandle; own: boolean } | undefined)[] = new Array(dirs.count);
    const partial: boolean[] = new Array(dirs.count).fill(false);
    for (let d = 0; d < dirs.count; d++) {
      const p = dirs.prefixes[d];
      if (startsWith(p, 0, p.length, prefix)) placed[d] = agg.addSum(p, 0, p.length, dirs.figures[d]);
      else if (startsWith(prefix, 0, prefix.length, p)) partial[d] = true;
    }
    for (let slot = 0; slot < t.count; slot++) {
      const d = t.dirOf(slot);
      let where = placed[d];
      if (!where) {
        if (!partial[d]) continue;
        const at = t.keyOffset(slot);
        const chunk = t.keyChunk(slot);
        if (!startsWith(chunk, at, at + t.keyLength(slot), prefix)) continue;
        // A key the prefix cuts into: it counts on its own (its directory is shorter than the prefix).
        where = agg.addSum(chunk, at, at + t.keyLength(slot), {
          keys: t.live(slot) ? 1 : 0,
          bytes: t.live(slot) ? t.keyLength(slot) + t.valueBytes(slot) : 0,
          revisions: t.revisions(slot),
          historyBytes: t.historyBytes(slot),
          deletedKeys: t.live(slot) ? 0 : 1,
        });
      }
      const live = t.live(slot);
      if (agg.wants(where.node, where.own, t.keyLength(slot) + t.valueBytes(slot), t.revisions(slot), live)) {
        agg.offer(where.node, where.own, slot, live);
      }
    }
    const { root, largest, mostRevisions } = agg.result();
    return {
      source: 'snapshot',
      target: this.file,
      prefix: Buffer.from(prefix),
      depth: opts.depth ?? 1,
      revision: this.revision,
      compactRevision: this.compactRevision || 1,
      root,
      largest,
      mostRevisions,
      history: root.history,
      storage: [this.storage],
      stats: { ms: this.readMs + (Date.now() - started), bytesRead: this.bytesRead },
    };
  }
}

function startsWith(buf: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** Little-endian u32 at buf[at] (the page is bounds-checked once by its element count). */
function u32le(buf: Buffer, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
}

/** Reads a varint at buf[pos]; returns the value and leaves the end position in `at[0]`. */
function varintAt(buf: Buffer, pos: number, end: number, at: number[]): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10 && pos < end; i++) {
    const b = buf[pos++];
    result += (b & 0x7f) * mul;
    if (b < 0x80) break;
    mul *= 128;
  }
  at[0] = pos;
  return result;
}

/** Reads a snapshot (or member db) file once for space analysis; see the file comment. */
export async function readSnapshotSpace(file: string, opts: SnapshotSpaceOptions = {}): Promise<SnapshotSpace> {
  const started = Date.now();
  const scope = opts.prefix ?? Buffer.alloc(0);
  const { db, keyBucket, metaBucket } = openEtcdDb(file);
  try {
    const meta = readEtcdMeta(metaBucket);
    // About one key per 512 bytes of file: sizes the lookup table so it rarely has to grow.
    const keys = new KeyHistoryTable(Math.ceil(db.fileSize / 512));
    const at = [0];
    let lastRevision = 0;
    const pause = async () => {
      await new Promise((r) => setImmediate(r));
      throwIfAborted(opts.signal, `Analysing ${file}`);
      opts.onProgress?.(db.bytesRead, db.fileSize);
    };
    let pagesInUse = 2; // the two meta pages
    const where = () => `${file} (the "key" bucket)`;
    const keyPages = await forEachLeaf(
      keyBucket,
      (page) => {
        const buf = page.buf;
        const n = page.count;
        for (let i = 0; i < n; i++) {
          const e = PAGE_HEADER_SIZE + i * 16;
          const rs = e + u32le(buf, e + 4);
          const re = rs + u32le(buf, e + 8);
          const ve = re + u32le(buf, e + 12);
          if (ve > buf.length) throw corrupt(file, `element ${i} of ${page.where} in the "key" bucket runs past the end of the page`);
          const tombstone = re - rs === REVISION_BYTES + 1 && buf[rs + REVISION_BYTES] === 0x74;
          if (i === n - 1 && re - rs >= 8) lastRevision = buf.readUInt32BE(rs) * 0x1_0000_0000 + buf.readUInt32BE(rs + 4);
          // The key is field 1, first (etcd's marshaller); anything else is found by keyRangeOf.
          let ks: number;
          let ke: number;
          if (buf[re] === 0x0a && buf[re + 1] < 0x80 && re + 2 + buf[re + 1] <= ve) {
            ks = re + 2;
            ke = ks + buf[re + 1];
          } else {
            [ks, ke] = keyRangeOf(buf, re, ve, where);
          }
          if (!startsWith(buf, ks, ke, scope)) continue;
          // The KeyValue's other fields, in etcd's order: create_revision, mod_revision, version, value, lease.
          let create = 0;
          let mod = 0;
          let version = 0;
          let valueBytes = 0;
          for (let p = ke; p < ve;) {
            const tag = buf[p++];
            if (tag === 0x2a) {
              valueBytes = varintAt(buf, p, ve, at);
              p = at[0] + valueBytes;
            } else if ((tag & 7) === 0) {
              const v = varintAt(buf, p, ve, at);
              p = at[0];
              if (tag === 0x10) create = v;
              else if (tag === 0x18) mod = v;
              else if (tag === 0x20) version = v;
            } else if ((tag & 7) === 2) {
              const len = varintAt(buf, p, ve, at);
              p = at[0] + len;
            } else break;
          }
          keys.record(buf, ks, ke, ve - rs, tombstone, valueBytes, mod, create, version);
        }
      },
      { pagesPerPause: 1024, pause },
    );
    pagesInUse += keyPages.branchPages + keyPages.leafPages;
    // The other buckets (meta, lease, auth, members…) are small: count their pages the same way.
    for (const top of db.root.entries()) {
      if (!top.isBucket || top.key.equals(KEY_BUCKET)) continue;
      const b = db.bucket(top.key)!;
      const p = await forEachLeaf(b, () => undefined);
      pagesInUse += p.branchPages + p.leafPages;
    }
    const rootPages = await forEachLeaf(db.root, () => undefined);
    pagesInUse += rootPages.branchPages + rootPages.leafPages;
    if (db.meta.freelist !== NO_FREELIST) pagesInUse += 1 + db.page(Number(db.meta.freelist), 'the freelist').overflow;
    keys.seal();
    opts.onProgress?.(db.fileSize, db.fileSize);
    const revision = Math.max(lastRevision, meta.compactRevision, meta.scheduledCompactRevision);
    const storage: StorageStat = { name: file, dbSize: db.size, dbSizeInUse: Math.min(db.size, pagesInUse * db.pageSize) };
    return new SnapshotSpace(file, keys, scope, revision, meta.compactRevision, storage, Date.now() - started, db.bytesRead);
  } finally {
    db.close();
  }
}

const KEY_BUCKET = Buffer.from('key');
