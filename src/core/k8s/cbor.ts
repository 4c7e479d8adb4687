/**
 * CBOR (RFC 8949) as apimachinery's CBOR serializer writes it (k8s.io/apimachinery/pkg/runtime/serializer/
 * cbor/internal/modes, checked against that serializer by the test oracle):
 * - the self-describe tag 55799 (`d9 d9 f7`) first;
 * - Go strings, struct field names and map keys are **byte strings** (major type 2), not text strings;
 * - []byte is tag 22 ("expected later base64") around a byte string, read back as its base64 text;
 * - integers in the shortest head; floats in the shortest of half/single/double that is exact; nil is
 *   null; map keys (and struct fields) sorted bytewise by their encoding; definite lengths only.
 * Reading follows apimachinery's decode mode: byte and text strings are strings, tags 21/22/23 give the
 * base64url/base64/base16 text of their bytes, time tags 0/1 an RFC 3339 string, other tags their content.
 * What the JSON view cannot show (a float that is a whole number, a text string, a tag, a non-shortest
 * head, invalid UTF-8) is kept per path and written back while that value is unchanged.
 */
import { formatPath, type PathSeg } from './jsonForms';
import type { MessageDef, Schema } from './schema';

const MAX_DEPTH = 200;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

export class CborError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'CborError';
  }
}

/** Leaves whose original bytes differ from what encodeCbor would write for the value shown. */
export class CborHints {
  readonly leaves = new Map<string, { value: unknown; bytes: Uint8Array }>();
  /** Maps whose keys were text strings (or in another order): written back as they were while unchanged. */
  readonly maps = new Map<string, { keys: string[]; keyBytes: Uint8Array[] }>();
  get size(): number {
    return this.leaves.size + this.maps.size;
  }
}

export interface CborDecoded {
  value: unknown;
  hints: CborHints;
}

export function decodeCbor(bytes: Uint8Array): unknown {
  return decodeCborDetailed(bytes).value;
}

/** Decodes a value and records what a re-encode needs to give back the same bytes. */
export function decodeCborDetailed(bytes: Uint8Array): CborDecoded {
  const d = new Reader(bytes);
  const value = d.read(0, []);
  if (d.pos !== bytes.length) throw new CborError(`${bytes.length - d.pos} unexpected bytes after the CBOR value`, d.pos);
  return { value, hints: d.hints };
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

class Reader {
  pos = 0;
  readonly hints = new CborHints();
  private readonly dv: DataView;
  constructor(private readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.b.length)
      throw new CborError(`truncated CBOR: need ${n} more bytes, ${this.b.length - this.pos} left`, this.pos);
  }

  private arg(info: number): number | bigint {
    if (info < 24) return info;
    const at = this.pos;
    switch (info) {
      case 24:
        this.need(1);
        return this.b[this.pos++];
      case 25:
        this.need(2);
        this.pos += 2;
        return this.dv.getUint16(this.pos - 2);
      case 26:
        this.need(4);
        this.pos += 4;
        return this.dv.getUint32(this.pos - 4);
      case 27: {
        this.need(8);
        this.pos += 8;
        const v = this.dv.getBigUint64(this.pos - 8);
        return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      case 31:
        return -1; // indefinite length (apimachinery accepts it on read)
      default:
        throw new CborError(`invalid CBOR additional info ${info}`, at);
    }
  }

  /** Reads one item at `path`; leaves whose canonical encoding differs are recorded. */
  read(depth: number, path: PathSeg[]): unknown {
    const start = this.pos;
    const v = this.item(depth, path);
    if (v === null || typeof v !== 'object') {
      const original = this.b.subarray(start, this.pos);
      // -0 too: YAML reads it back as 0, which would otherwise be written as an integer
      if (Object.is(v, -0) || !bytesEqual(encodeItem(v), original))
        this.hints.leaves.set(formatPath(path), { value: v, bytes: original.slice() });
    }
    return v;
  }

  private item(depth: number, path: PathSeg[]): unknown {
    if (depth > MAX_DEPTH) throw new CborError('CBOR nested too deeply', this.pos);
    this.need(1);
    const at = this.pos;
    const ib = this.b[this.pos++];
    const major = ib >> 5;
    const info = ib & 31;
    if (major === 7) return this.simple(info, at);
    const arg = this.arg(info);
    if (arg === -1 && (major < 2 || major === 6)) throw new CborError('indefinite length is only allowed for strings, arrays and maps', at);
    switch (major) {
      case 0:
        return arg;
      case 1:
        return typeof arg === 'bigint' || arg >= Number.MAX_SAFE_INTEGER ? -1n - BigInt(arg) : -1 - arg;
      case 2:
      case 3: {
        const s = this.stringBytes(major, arg, at);
        if (major === 3) {
          try {
            return utf8.decode(s);
          } catch {
            throw new CborError('CBOR text string is not valid UTF-8', at);
          }
        }
        // byte strings hold Go strings; invalid UTF-8 shows as U+FFFD (kept as bytes while unchanged)
        return utf8Lossy.decode(s);
      }
      case 4: {
        const out: unknown[] = [];
        if (arg === -1) {
          while (this.peekBreak() === false) out.push(this.read(depth + 1, [...path, out.length]));
          return out;
        }
        if (Number(arg) > this.b.length - this.pos) throw new CborError(`CBOR array of ${arg} items is longer than the data`, at);
        for (let i = 0; i < Number(arg); i++) out.push(this.read(depth + 1, [...path, i]));
        return out;
      }
      case 5: {
        if (arg !== -1 && Number(arg) * 2 > this.b.length - this.pos)
          throw new CborError(`CBOR map of ${arg} entries is longer than the data`, at);
        const out: Record<string, unknown> = {};
        const keys: string[] = [];
        const keyBytes: Uint8Array[] = [];
        for (let i = 0; arg === -1 ? this.peekBreak() === false : i < Number(arg); i++) {
          const ks = this.pos;
          const k = this.item(depth + 1, path);
          if (typeof k !== 'string') throw new CborError('CBOR map key is not a string', ks);
          keys.push(k);
          keyBytes.push(this.b.slice(ks, this.pos));
          if (Object.prototype.hasOwnProperty.call(out, k)) throw new CborError(`duplicate CBOR map key ${JSON.stringify(k)}`, ks);
          Object.defineProperty(out, k, {
            value: this.read(depth + 1, [...path, k]),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        const canonical = keys.map((k) => encodeItem(k));
        const sorted = [...canonical].sort(compareBytes);
        if (arg === -1 || keyBytes.some((kb, i) => !bytesEqual(kb, canonical[i]) || !bytesEqual(kb, sorted[i]))) {
          this.hints.maps.set(formatPath(path), { keys, keyBytes });
        }
        return out;
      }
      case 6: {
        const tag = Number(arg);
        const content = this.item(depth + 1, path);
        if (tag === 55799) return content;
        if ((tag === 21 || tag === 22 || tag === 23) && typeof content === 'string') {
          // the content was read as a string; its bytes are what the tag describes
          const bytes = this.lastStringBytes!;
          return tag === 21 ? b64url(bytes) : tag === 22 ? Buffer.from(bytes).toString('base64') : Buffer.from(bytes).toString('hex');
        }
        if (tag === 0 && typeof content === 'string') return content;
        if (tag === 1 && typeof content === 'number') return epochToRfc3339(content);
        return content;
      }
      default:
        throw new CborError(`invalid CBOR major type ${major}`, at);
    }
  }

  private lastStringBytes: Uint8Array | undefined;

  private stringBytes(major: number, arg: number | bigint, at: number): Uint8Array {
    if (arg === -1) {
      const parts: Uint8Array[] = [];
      while (this.peekBreak() === false) {
        const cs = this.pos;
        const ib = this.b[this.pos++];
        if (ib >> 5 !== major || (ib & 31) === 31) throw new CborError('indefinite-length string chunk of another type', cs);
        parts.push(this.stringBytes(major, this.arg(ib & 31), cs));
      }
      this.lastStringBytes = Buffer.concat(parts);
      return this.lastStringBytes;
    }
    const n = Number(arg);
    if (n > this.b.length - this.pos) throw new CborError(`truncated CBOR: a ${n}-byte string, ${this.b.length - this.pos} bytes left`, at);
    this.lastStringBytes = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return this.lastStringBytes;
  }

  /** At a break byte (0xff): consume it and return true; false otherwise. */
  private peekBreak(): boolean {
    this.need(1);
    if (this.b[this.pos] === 0xff) {
      this.pos++;
      return true;
    }
    return false;
  }

  private simple(info: number, at: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 25: {
        this.need(2);
        const v = halfToFloat(this.dv.getUint16(this.pos));
        this.pos += 2;
        return finite(v, at);
      }
      case 26: {
        this.need(4);
        const v = this.dv.getFloat32(this.pos);
        this.pos += 4;
        return finite(v, at);
      }
      case 27: {
        this.need(8);
        const v = this.dv.getFloat64(this.pos);
        this.pos += 8;
        return finite(v, at);
      }
      default:
        // apimachinery rejects undefined and every other simple value
        throw new CborError(`unsupported CBOR simple value ${info}`, at);
    }
  }
}

function finite(v: number, at: number): number {
  if (!Number.isFinite(v)) throw new CborError('NaN and infinite floats are not allowed (apimachinery rejects them)', at);
  return v;
}

function epochToRfc3339(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function halfToFloat(h: number): number {
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (e === 0) return sign * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : sign * Infinity;
  return sign * 2 ** (e - 15) * (1 + f / 1024);
}

// ---------------------------------------------------------------- encoding

/** What the Go type says about a value beyond its JSON form (typed objects): []byte, float, nested message, map. */
interface TypeInfo {
  kind?: 'bytes' | 'float';
  typed?: Typed;
  /** A Go map: every value has this type. */
  mapOf?: TypeInfo;
}

export interface CborEncodeOptions {
  /** Original encodings of unchanged values (from decodeCborDetailed). */
  hints?: CborHints;
  /** Encode as the Go type of this message (built-in kinds): []byte fields as tag 22, float fields as floats. */
  schema?: { schema: Schema; message: MessageDef };
}

/** Encodes a value as apimachinery's CBOR serializer does (with the self-describe tag unless told not to). */
export function encodeCbor(value: unknown, opts: CborEncodeOptions = {}, selfDescribe = true): Uint8Array {
  const w = new Writer();
  if (selfDescribe) w.bytes([0xd9, 0xd9, 0xf7]);
  new Encoder(w, opts).write(value, 0, [], opts.schema ? { typed: opts.schema } : undefined);
  return w.finish();
}

/** One item as the serializer writes it (no self-describe tag), e.g. to compare with original bytes. */
function encodeItem(v: unknown): Uint8Array {
  const w = new Writer();
  new Encoder(w, {}).write(v, 0, [], undefined);
  return w.finish();
}

class Writer {
  private parts: number[] = [];
  bytes(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]);
  }
  byte(b: number): void {
    this.parts.push(b);
  }
  head(major: number, n: number | bigint): void {
    const m = major << 5;
    if (typeof n === 'bigint' || n >= 0x100000000) {
      const big = BigInt(n);
      this.parts.push(m | 27);
      for (let s = 56n; s >= 0n; s -= 8n) this.parts.push(Number((big >> s) & 0xffn));
    } else if (n < 24) this.parts.push(m | n);
    else if (n < 0x100) this.parts.push(m | 24, n);
    else if (n < 0x10000) this.parts.push(m | 25, n >> 8, n & 0xff);
    else this.parts.push(m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

interface Typed {
  schema: Schema;
  message: MessageDef;
}

class Encoder {
  constructor(
    private readonly w: Writer,
    private readonly opts: CborEncodeOptions,
  ) {}

  write(v: unknown, depth: number, path: PathSeg[], t: TypeInfo | undefined): void {
    const kind = t?.kind;
    if (depth > MAX_DEPTH) throw new CborError('value nested too deeply for CBOR', 0);
    const hints = this.opts.hints;
    if (hints?.leaves.size && (v === null || typeof v !== 'object')) {
      const h = hints.leaves.get(formatPath(path));
      if (h && h.value === v) return this.w.bytes(h.bytes);
    }
    if (v === null || v === undefined) return this.w.byte(0xf6);
    if (v === false) return this.w.byte(0xf4);
    if (v === true) return this.w.byte(0xf5);
    if (typeof v === 'bigint') {
      if (v >= 0n) return this.w.head(0, v);
      return this.w.head(1, -1n - v);
    }
    if (typeof v === 'number') {
      // integers beyond 2^53 are bigints in our values; a number that is not a safe integer is a float (1.5e300)
      if (Number.isSafeInteger(v) && kind !== 'float' && !Object.is(v, -0)) return v >= 0 ? this.w.head(0, v) : this.w.head(1, -1 - v);
      return writeFloat(this.w, v);
    }
    if (typeof v === 'string') {
      if (kind === 'bytes') {
        const b = Buffer.from(v, 'base64');
        this.w.head(6, 22);
        this.w.head(2, b.length);
        return this.w.bytes(b);
      }
      const b = Buffer.from(v, 'utf8');
      this.w.head(2, b.length); // Go strings are written as byte strings
      return this.w.bytes(b);
    }
    if (Array.isArray(v)) {
      this.w.head(4, v.length);
      v.forEach((x, i) => this.write(x, depth + 1, [...path, i], t));
      return;
    }
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      const keep = this.opts.hints?.maps.get(formatPath(path));
      let order: { k: string; kb: Uint8Array }[];
      if (keep && keep.keys.length === keys.length && keep.keys.every((k) => k in o)) {
        order = keep.keys.map((k, i) => ({ k, kb: keep.keyBytes[i] }));
      } else {
        order = keys.map((k) => ({ k, kb: encodeItem(k) })).sort((a, b) => compareBytes(a.kb, b.kb));
      }
      this.w.head(5, order.length);
      for (const { k, kb } of order) {
        this.w.bytes(kb);
        const child = t?.mapOf ?? (t?.typed ? fieldType(t.typed, k) : undefined);
        this.write(o[k], depth + 1, [...path, k], child);
      }
      return;
    }
    throw new CborError(`cannot encode ${typeof v} as CBOR`, 0);
  }
}

/** What the Go type of a typed object says about key `k`. */
function fieldType(t: Typed, k: string): TypeInfo | undefined {
  const f = findField(t.schema, t.message, k);
  if (!f) return undefined;
  let info: TypeInfo | undefined;
  if (f.scalar === 'bytes') info = { kind: 'bytes' };
  else if (f.scalar === 'double' || f.scalar === 'float') info = { kind: 'float' };
  else if (!f.scalar && f.messageName) {
    const m = t.schema.fieldMessage(f);
    // Time, Quantity, IntOrString, raw JSON…: their JSON form is what the CBOR holds
    if (!m.special) info = { typed: { schema: t.schema, message: m } };
  }
  return f.map ? (info ? { mapOf: info } : undefined) : info;
}

function findField(schema: Schema, m: MessageDef, k: string): MessageDef['fields'][number] | undefined {
  const f = m.byJson.get(k);
  if (f) return f;
  for (const x of m.fields) {
    if (!x.inline) continue;
    const inner = findField(schema, schema.fieldMessage(x), k);
    if (inner) return inner;
  }
  return undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** The shortest of half, single and double precision that holds `v` exactly (ShortestFloat16). */
function writeFloat(w: Writer, v: number): void {
  const half = floatToHalf(v);
  if (half !== undefined) {
    w.byte(0xf9);
    w.bytes([half >> 8, half & 0xff]);
    return;
  }
  const f32 = new DataView(new ArrayBuffer(4));
  f32.setFloat32(0, v);
  if (f32.getFloat32(0) === v) {
    w.byte(0xfa);
    w.bytes(new Uint8Array(f32.buffer));
    return;
  }
  const f64 = new DataView(new ArrayBuffer(8));
  f64.setFloat64(0, v);
  w.byte(0xfb);
  w.bytes(new Uint8Array(f64.buffer));
}

/** IEEE half-precision bits of `v` if it converts exactly (normal or subnormal), else undefined. */
function floatToHalf(v: number): number | undefined {
  if (Object.is(v, 0)) return 0;
  if (Object.is(v, -0)) return 0x8000;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return undefined;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  if (e < -14) {
    // subnormal: a = f * 2^-24
    const f = a / 2 ** -24;
    return Number.isInteger(f) && f < 1024 ? sign | f : undefined;
  }
  if (e > 15) return undefined;
  const frac = a / 2 ** e - 1;
  const f = frac * 1024;
  return Number.isInteger(f) ? sign | ((e + 15) << 10) | f : undefined;
}
