/**
 * Small CBOR (RFC 8949) reader/writer for custom resources stored as CBOR (kube-apiserver's CBOR feature:
 * self-describe tag 55799 prefix `d9 d9 f7`, then a map). Writing follows the deterministic rules the
 * apiserver uses: shortest integer and length heads, definite lengths, map keys sorted bytewise by their
 * encoded form, floats as the shortest of half/single/double that is exact.
 */
const MAX_DEPTH = 200;

export class CborError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'CborError';
  }
}

/** A CBOR value that JSON cannot show directly (byte strings, tags other than self-describe). */
export interface CborTagged {
  $cborTag: number;
  value: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeCbor(bytes: Uint8Array): unknown {
  const r = { pos: 0 };
  const v = read(bytes, r, 0);
  if (r.pos !== bytes.length) throw new CborError(`${bytes.length - r.pos} unexpected bytes after the CBOR value`, r.pos);
  return v;
}

function need(b: Uint8Array, r: { pos: number }, n: number): void {
  if (r.pos + n > b.length) throw new CborError(`truncated CBOR: need ${n} more bytes, ${b.length - r.pos} left`, r.pos);
}

function readArg(b: Uint8Array, r: { pos: number }, info: number): number {
  if (info < 24) return info;
  const at = r.pos;
  const dv = new DataView(b.buffer, b.byteOffset);
  switch (info) {
    case 24:
      need(b, r, 1);
      return b[r.pos++];
    case 25:
      need(b, r, 2);
      r.pos += 2;
      return dv.getUint16(r.pos - 2);
    case 26:
      need(b, r, 4);
      r.pos += 4;
      return dv.getUint32(r.pos - 4);
    case 27:
      need(b, r, 8);
      r.pos += 8;
      return Number(dv.getBigUint64(r.pos - 8));
    default:
      throw new CborError(`unsupported CBOR additional info ${info} (indefinite lengths are not used by Kubernetes)`, at);
  }
}

function read(b: Uint8Array, r: { pos: number }, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new CborError('CBOR nested too deeply', r.pos);
  need(b, r, 1);
  const at = r.pos;
  const ib = b[r.pos++];
  const major = ib >> 5;
  const info = ib & 31;
  if (major === 7) {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        need(b, r, 2);
        const v = halfToFloat((b[r.pos] << 8) | b[r.pos + 1]);
        r.pos += 2;
        return v;
      }
      case 26: {
        need(b, r, 4);
        const v = new DataView(b.buffer, b.byteOffset + r.pos, 4).getFloat32(0);
        r.pos += 4;
        return v;
      }
      case 27: {
        need(b, r, 8);
        const v = new DataView(b.buffer, b.byteOffset + r.pos, 8).getFloat64(0);
        r.pos += 8;
        return v;
      }
      default:
        throw new CborError(`unsupported CBOR simple value ${info}`, at);
    }
  }
  const arg = readArg(b, r, info);
  switch (major) {
    case 0:
      return arg;
    case 1:
      return -1 - arg;
    case 2:
    case 3: {
      need(b, r, arg);
      const s = b.subarray(r.pos, r.pos + arg);
      r.pos += arg;
      if (major === 2) return { $cborTag: -1, value: Buffer.from(s).toString('base64') } satisfies CborTagged;
      try {
        return utf8.decode(s);
      } catch {
        throw new CborError('CBOR text string is not valid UTF-8', at);
      }
    }
    case 4: {
      if (arg > b.length - r.pos) throw new CborError(`CBOR array of ${arg} items is longer than the data`, at);
      const out: unknown[] = [];
      for (let i = 0; i < arg; i++) out.push(read(b, r, depth + 1));
      return out;
    }
    case 5: {
      if (arg * 2 > b.length - r.pos) throw new CborError(`CBOR map of ${arg} entries is longer than the data`, at);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < arg; i++) {
        const k = read(b, r, depth + 1);
        if (typeof k !== 'string') throw new CborError('CBOR map key is not a text string', at);
        out[k] = read(b, r, depth + 1);
      }
      return out;
    }
    case 6: {
      const v = read(b, r, depth + 1);
      return arg === 55799 ? v : ({ $cborTag: arg, value: v } satisfies CborTagged);
    }
    default:
      throw new CborError(`invalid CBOR major type ${major}`, at);
  }
}

function halfToFloat(h: number): number {
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (e === 0) return sign * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : sign * Infinity;
  return sign * 2 ** (e - 15) * (1 + f / 1024);
}

export function encodeCbor(value: unknown, selfDescribe = true): Uint8Array {
  const out: number[] = selfDescribe ? [0xd9, 0xd9, 0xf7] : [];
  write(out, value, 0);
  return Uint8Array.from(out);
}

function head(out: number[], major: number, n: number): void {
  const m = major << 5;
  if (n < 24) out.push(m | n);
  else if (n < 0x100) out.push(m | 24, n);
  else if (n < 0x10000) out.push(m | 25, n >> 8, n & 0xff);
  else if (n < 0x100000000) out.push(m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  else {
    const big = BigInt(n);
    out.push(m | 27);
    for (let s = 56n; s >= 0n; s -= 8n) out.push(Number((big >> s) & 0xffn));
  }
}

function write(out: number[], v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new CborError('value nested too deeply for CBOR', out.length);
  if (v === null || v === undefined) return void out.push(0xf6);
  if (v === false) return void out.push(0xf4);
  if (v === true) return void out.push(0xf5);
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v >= 0 ? head(out, 0, v) : head(out, 1, -1 - v);
    return writeFloat(out, v);
  }
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    head(out, 3, b.length);
    for (const x of b) out.push(x);
    return;
  }
  if (Array.isArray(v)) {
    head(out, 4, v.length);
    for (const x of v) write(out, x, depth + 1);
    return;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$cborTag === 'number' && 'value' in o && Object.keys(o).length === 2) {
      if (o.$cborTag === -1) {
        const b = Buffer.from(String(o.value), 'base64');
        head(out, 2, b.length);
        for (const x of b) out.push(x);
      } else {
        head(out, 6, o.$cborTag);
        write(out, o.value, depth + 1);
      }
      return;
    }
    // deterministic: keys ordered by their encoded bytes (shorter first, then bytewise)
    const entries = Object.keys(o).map((k) => {
      const kb: number[] = [];
      write(kb, k, depth + 1);
      return { kb, k };
    });
    entries.sort((a, b) => a.kb.length - b.kb.length || cmp(a.kb, b.kb));
    head(out, 5, entries.length);
    for (const e of entries) {
      out.push(...e.kb);
      write(out, o[e.k], depth + 1);
    }
    return;
  }
  throw new CborError(`cannot encode ${typeof v} as CBOR`, out.length);
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function writeFloat(out: number[], v: number): void {
  const f32 = new DataView(new ArrayBuffer(4));
  f32.setFloat32(0, v);
  if (f32.getFloat32(0) === v || Number.isNaN(v)) {
    out.push(0xfa, f32.getUint8(0), f32.getUint8(1), f32.getUint8(2), f32.getUint8(3));
    return;
  }
  const f64 = new DataView(new ArrayBuffer(8));
  f64.setFloat64(0, v);
  out.push(0xfb);
  for (let i = 0; i < 8; i++) out.push(f64.getUint8(i));
}
