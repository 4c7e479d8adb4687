/**
 * The distinct "directories" of a set of keys — each key's bytes up to and including its last '/'
 * ('' for a key without one) — with the figures of the keys directly in each. A Kubernetes keyspace
 * of a million keys has a few thousand (resource × namespace), so a report for any prefix and depth
 * is built from them instead of from every key.
 *
 * A directory is found by the FNV-1a hash of its bytes, which the caller computes in the same loop
 * as the key's own hash (FNV-1a of a prefix is a state of the key's hash), then checked byte by byte.
 */
export interface DirFigures {
  keys: number;
  bytes: number;
  revisions: number;
  historyBytes: number;
  deletedKeys: number;
}

export class DirTable {
  /** Per directory id: its bytes. */
  readonly prefixes: Buffer[] = [];
  /** Per directory id: figures of the keys directly in it (filled by `tally`). */
  readonly figures: DirFigures[] = [];
  private readonly hashes: number[] = [];
  private readonly byHash = new Map<number, number>();
  /** Next directory with the same hash, or -1. */
  private readonly sameHash: number[] = [];

  get count(): number {
    return this.prefixes.length;
  }

  /**
   * Directories found recently, by the low bits of their hash (id + 1, 0 when empty): writes tend to
   * cycle through a few directories, and this is cheaper than the Map.
   */
  private readonly recent = new Int32Array(256);

  /** The id of directory src[s, e) whose FNV-1a hash is `hash`, added when new. */
  id(src: Uint8Array, s: number, e: number, hash: number): number {
    const r = this.recent[hash & 255] - 1;
    if (r >= 0 && this.hashes[r] === hash && this.matches(r, src, s, e)) return r;
    const first = this.byHash.get(hash);
    for (let d = first ?? -1; d >= 0; d = this.sameHash[d]) {
      if (this.matches(d, src, s, e)) {
        this.recent[hash & 255] = d + 1;
        return d;
      }
    }
    const d = this.prefixes.length;
    this.prefixes.push(Buffer.from(src.subarray(s, e)));
    this.hashes.push(hash);
    this.figures.push({ keys: 0, bytes: 0, revisions: 0, historyBytes: 0, deletedKeys: 0 });
    this.sameHash.push(first ?? -1);
    this.byHash.set(hash, d);
    this.recent[hash & 255] = d + 1;
    return d;
  }

  private matches(d: number, src: Uint8Array, s: number, e: number): boolean {
    const p = this.prefixes[d];
    if (p.length !== e - s) return false;
    for (let j = 0; j < p.length; j++) if (p[j] !== src[s + j]) return false;
    return true;
  }
}
