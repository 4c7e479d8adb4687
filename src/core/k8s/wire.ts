/**
 * Minimal protobuf wire-format reader and writer. Written for the Kubernetes codec: we need exact control
 * over what bytes are emitted (Go's gogo-protobuf layout) and precise, never-hanging errors on bad input.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** Malformed wire data; `offset` is where in the buffer the problem was found. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'WireError';
  }
}

const utf8 = new TextDecoder('utf-8');
const utf8Enc = new TextEncoder();

export class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Unsigned varint as a JS number; exact up to 2^53, beyond that rounded (like JSON numbers). */
  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    // fast path: 1 byte
    if (pos < this.end && buf[pos] < 0x80) {
      this.pos = pos + 1;
      return buf[pos];
    }
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) throw new WireError('truncated varint', this.pos);
      const b = buf[pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if (b < 0x80) {
        this.pos = pos;
        return (hi >>> 0) * 4294967296 + (lo >>> 0);
      }
    }
    throw new WireError('varint longer than 10 bytes', this.pos);
  }

  /** Signed 64-bit (int64 two's complement) varint. */
  int64(): number {
    const start = this.pos;
    const v = this.varint();
    if (v < 9223372036854775808) return v;
    // negative: re-read exactly through BigInt so small negatives stay exact
    this.pos = start;
    return Number(BigInt.asIntN(64, this.varintBig()));
  }

  int32(): number {
    return this.int64() | 0;
  }

  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated varint', this.pos);
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) return result;
    }
    throw new WireError('varint longer than 10 bytes', this.pos);
  }

  /** Reads a field key; returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const at = this.pos;
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wt = key & 7;
    if (field === 0) throw new WireError('invalid field number 0', at);
    if (wt === 6 || wt === 7) throw new WireError(`invalid wire type ${wt} for field ${field}`, at);
    return [field, wt];
  }

  /** Length-delimited payload bounds [start, end) — no copy. */
  lengthDelimited(): [number, number] {
    const at = this.pos;
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) {
      throw new WireError(`length ${len} runs past the end of the data (${this.end - start} bytes left)`, at);
    }
    this.pos = start + len;
    return [start, start + len];
  }

  bytes(): Uint8Array {
    const [s, e] = this.lengthDelimited();
    return this.buf.subarray(s, e);
  }

  string(): string {
    const [s, e] = this.lengthDelimited();
    return utf8.decode(this.buf.subarray(s, e));
  }

  fixed32(): number {
    if (this.end - this.pos < 4) throw new WireError('truncated fixed32', this.pos);
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4);
    this.pos += 4;
    return dv.getUint32(0, true);
  }

  fixed64Bytes(): DataView {
    if (this.end - this.pos < 8) throw new WireError('truncated fixed64', this.pos);
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return dv;
  }

  double(): number {
    return this.fixed64Bytes().getFloat64(0, true);
  }

  float(): number {
    if (this.end - this.pos < 4) throw new WireError('truncated float', this.pos);
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4);
    this.pos += 4;
    return dv.getFloat32(0, true);
  }

  /** Skips a field's value; groups are skipped with a depth limit so hostile input cannot recurse forever. */
  skip(wireType: number, field: number, depth = 0): void {
    const at = this.pos;
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.fixed64Bytes();
        return;
      case WIRE_BYTES:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.fixed32();
        return;
      case WIRE_START_GROUP: {
        if (depth > 64) throw new WireError('groups nested too deeply', at);
        for (;;) {
          if (this.done) throw new WireError(`unterminated group for field ${field}`, at);
          const [f, wt] = this.tag();
          if (wt === WIRE_END_GROUP) {
            if (f !== field) throw new WireError(`group for field ${field} closed by field ${f}`, at);
            return;
          }
          this.skip(wt, f, depth + 1);
        }
      }
      case WIRE_END_GROUP:
        throw new WireError(`unexpected end-group for field ${field}`, at);
      default:
        throw new WireError(`invalid wire type ${wireType} for field ${field}`, at);
    }
  }
}

/** Append-only byte buffer with protobuf primitives. */
export class Writer {
  private buf: Uint8Array;
  len = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b;
    return this;
  }

  /** Unsigned varint of a non-negative safe integer. */
  uvarint(v: number): this {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
    return this;
  }

  /** int32/int64 varint: negatives take 10 bytes (two's complement), as Go writes them. */
  varint(v: number): this {
    if (v >= 0) return this.uvarint(v);
    return this.bigVarint(BigInt.asUintN(64, BigInt(Math.trunc(v))));
  }

  /** Unsigned varint of a value already in 0..2^64-1. */
  bigVarint(v: bigint): this {
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.uvarint(field * 8 + wireType);
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  lengthDelimited(field: number, bytes: Uint8Array): this {
    return this.tag(field, WIRE_BYTES).uvarint(bytes.length).raw(bytes);
  }

  string(field: number, s: string): this {
    return this.lengthDelimited(field, utf8Enc.encode(s));
  }

  double(v: number): this {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, v, true);
    this.len += 8;
    return this;
  }

  float(v: number): this {
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
    return this;
  }

  fixed32(v: number): this {
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setUint32(0, v >>> 0, true);
    this.len += 4;
    return this;
  }

  /** The bytes written (a view: the writer must not be used afterwards). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

export function utf8Encode(s: string): Uint8Array {
  return utf8Enc.encode(s);
}

export function utf8Decode(b: Uint8Array): string {
  return utf8.decode(b);
}
