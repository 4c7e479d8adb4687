/**
 * The values of etcd's `key` bucket: mvccpb.KeyValue protobuf messages. Only six fields exist
 * (key=1 bytes, create_revision=2, mod_revision=3, version=4, value=5 bytes, lease=6, the numbers
 * varint int64), so a small decoder here avoids loading etcd's .proto files for a hot loop.
 */
import { corrupt } from '../bbolt';

export interface MvccKeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
  /** Lease id in hex as etcdctl prints it, '0' when none. */
  lease: string;
}

/** A protobuf reader over one message; errors name the file and the revision being decoded. */
class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly where: () => string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  fail(what: string): never {
    throw corrupt(this.where(), what);
  }

  /** A varint as a BigInt (lease ids use all 64 bits). */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) this.fail('a KeyValue varint runs past the end of its value');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, result);
    }
    return this.fail('a KeyValue varint is longer than 10 bytes');
  }

  /** A varint that fits a Number (revisions and versions stay far below 2^53). */
  small(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.buf.length) this.fail('a KeyValue varint runs past the end of its value');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    this.pos -= 8;
    return Number(this.varint());
  }

  bytes(): Buffer {
    const len = this.small();
    const end = this.pos + len;
    if (end > this.buf.length) this.fail(`a KeyValue field of ${len} bytes runs past the end of its value`);
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        this.fail(`a KeyValue has a field of unknown wire type ${wireType}`);
    }
  }
}

/** Decodes a whole KeyValue. `where` is only called to build an error message. */
export function decodeKeyValue(buf: Buffer, where: () => string): MvccKeyValue {
  const r = new Reader(buf, where);
  const kv: MvccKeyValue = { key: Buffer.alloc(0), createRevision: 0, modRevision: 0, version: 0, value: Buffer.alloc(0), lease: '0' };
  while (!r.done) {
    const tag = r.small();
    switch (tag) {
      case 0x0a:
        kv.key = r.bytes();
        break;
      case 0x10:
        kv.createRevision = r.small();
        break;
      case 0x18:
        kv.modRevision = r.small();
        break;
      case 0x20:
        kv.version = r.small();
        break;
      case 0x2a:
        kv.value = r.bytes();
        break;
      case 0x30:
        kv.lease = BigInt.asUintN(64, r.varint()).toString(16);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return kv;
}

/**
 * Just the key of a KeyValue. etcd's marshaller writes fields in number order, so the key (field 1)
 * comes first and the rest of the value is not looked at; other encoders are handled by skipping.
 */
export function decodeKeyOnly(buf: Buffer, where: () => string): Buffer {
  const r = new Reader(buf, where);
  while (!r.done) {
    const tag = r.small();
    if (tag === 0x0a) return r.bytes();
    r.skip(tag & 7);
  }
  return r.fail('a KeyValue has no key');
}

/**
 * Where the key of the KeyValue at buf[start, end) lies, as [from, to) in buf. The usual layout
 * (field 1 first, etcd's marshaller) is read in place; anything else goes through decodeKeyOnly.
 */
export function keyRangeOf(buf: Buffer, start: number, end: number, where: () => string): [number, number] {
  if (start < end && buf[start] === 0x0a) {
    let len = 0;
    let shift = 0;
    for (let p = start + 1; p < end && shift < 35; p++, shift += 7) {
      const b = buf[p];
      len += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        const from = p + 1;
        if (from + len <= end) return [from, from + len];
        break;
      }
    }
  }
  const key = decodeKeyOnly(buf.subarray(start, end), where);
  const from = key.byteOffset - buf.byteOffset;
  return [from, from + key.length];
}
