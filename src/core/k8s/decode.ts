/**
 * Protobuf (as kube-apiserver stores it) -> kube JSON object, following Go's encoding/json rules for the
 * Kubernetes Go types: Go struct key order, omitempty/omitzero, nil -> null, and the custom JSON forms of
 * Time, Quantity, IntOrString, raw JSON and the apiextensions schema unions.
 */
import { isDeepStrictEqual } from 'node:util';
import { formatDuration, formatMicroTime, formatTime, toBase64, type PathSeg } from './jsonForms';
import { parseJsonExact } from './goJson';
import { PreserveTable } from './preserve';
import type { FieldDef, MessageDef, Schema } from './schema';
import { Reader, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, WireError, utf8Decode } from './wire';

export type JsonObject = { [k: string]: unknown };

const MAX_DEPTH = 100;

export class Decoder {
  readonly preserved = new PreserveTable();
  private readonly path: PathSeg[] = [];
  private readonly zeroCache = new Map<string, unknown>();

  constructor(private readonly schema: Schema) {}

  /** Decodes `buf[start, end)` as `msg` into its JSON value (an object unless `msg` is special). */
  message(msg: MessageDef, buf: Uint8Array, start: number, end: number): unknown {
    if (this.path.length > MAX_DEPTH) throw new WireError(`messages nested deeper than ${MAX_DEPTH}`, start);
    if (msg.special) return this.special(msg, buf, start, end);
    const slots = new Array<unknown>(msg.fields.length);
    const present = new Array<boolean>(msg.fields.length);
    const r = new Reader(buf, start, end);
    while (!r.done) {
      const tagAt = r.pos;
      const [num, wt] = r.tag();
      const f = msg.byNumber.get(num);
      if (!f) {
        r.skip(wt, num);
        this.preserved.addUnknown(this.path, { number: num, bytes: buf.slice(tagAt, r.pos) });
        continue;
      }
      const i = f.index;
      if (f.map) {
        const obj = (slots[i] as JsonObject | undefined) ?? {};
        this.expectWire(f, wt, WIRE_BYTES, tagAt);
        const [s, e] = r.lengthDelimited();
        this.mapEntry(f, buf, s, e, obj);
        slots[i] = obj;
      } else if (f.repeated) {
        const arr = (slots[i] as unknown[] | undefined) ?? [];
        if (f.scalar && f.scalar !== 'string' && f.scalar !== 'bytes' && wt === WIRE_BYTES) {
          // packed encoding: accepted on read even though Go writes proto2 repeated scalars unpacked
          const [s, e] = r.lengthDelimited();
          const inner = new Reader(buf, s, e);
          while (!inner.done) arr.push(this.scalar(f, inner));
        } else {
          this.path.push(f.json, arr.length);
          arr.push(this.value(f, r, wt, tagAt));
          this.path.length -= 2;
        }
        slots[i] = arr;
      } else {
        this.path.push(f.json);
        slots[i] = this.value(f, r, wt, tagAt);
        this.path.pop();
      }
      present[i] = true;
    }
    return this.toJson(msg, slots, present);
  }

  /** Builds the JSON object in Go struct order, applying Go's nil/omitempty/omitzero rules. */
  private toJson(msg: MessageDef, slots: unknown[], present: boolean[]): JsonObject {
    const out: JsonObject = {};
    const fields = msg.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f.hidden) continue;
      let v = slots[i];
      const has = present[i] === true;
      if (f.inline) {
        if (!has) v = this.zero(f);
        Object.assign(out, v as JsonObject);
        continue;
      }
      const omit = f.omitEmpty || f.omitZero;
      if (f.repeated || f.map || f.scalar === 'bytes' || (f.messageName && this.isSliceLike(f))) {
        if (!has || (v === null && !f.pointer)) {
          if (!omit) out[f.json] = null;
          continue;
        }
        if (omit && !f.pointer && isEmptyCollection(v)) continue;
        out[f.json] = v;
        continue;
      }
      if (f.pointer) {
        if (has) out[f.json] = v;
        else if (!omit) out[f.json] = null;
        continue;
      }
      if (!has) v = this.zero(f);
      if (f.scalar) {
        if (omit && (v === '' || v === 0 || v === false)) continue;
      } else if (f.omitZero && (!has || this.isZeroMessage(f, v))) {
        continue;
      }
      out[f.json] = v;
    }
    return out;
  }

  private isSliceLike(f: FieldDef): boolean {
    return this.schema.fieldMessage(f).special === 'Items';
  }

  /** JSON of the zero value of a (non-repeated) field, as Go prints an unset non-pointer field. */
  private zero(f: FieldDef): unknown {
    if (f.scalar) return f.scalar === 'string' ? '' : f.scalar === 'bool' ? false : f.scalar === 'bytes' ? null : 0;
    const key = f.messageName!;
    if (!this.zeroCache.has(key)) {
      this.zeroCache.set(key, this.message(this.schema.fieldMessage(f), new Uint8Array(0), 0, 0));
    }
    const z = this.zeroCache.get(key);
    return z !== null && typeof z === 'object' ? structuredClone(z) : z;
  }

  private isZeroMessage(f: FieldDef, v: unknown): boolean {
    return isDeepStrictEqual(v, this.zero(f));
  }

  private expectWire(f: FieldDef, got: number, want: number, at: number): void {
    if (got !== want) {
      throw new WireError(`field ${f.number} (${f.json || f.protoName}) has wire type ${got}, expected ${want}`, at);
    }
  }

  private value(f: FieldDef, r: Reader, wt: number, tagAt: number): unknown {
    if (f.scalar) {
      this.expectWire(f, wt, wireTypeOf(f.scalar), tagAt);
      return this.scalar(f, r);
    }
    this.expectWire(f, wt, WIRE_BYTES, tagAt);
    const [s, e] = r.lengthDelimited();
    return this.message(this.schema.fieldMessage(f), r.buf, s, e);
  }

  private scalar(f: FieldDef, r: Reader): unknown {
    switch (f.scalar) {
      case 'string':
        return r.string();
      case 'bool':
        return r.varint() !== 0;
      case 'bytes':
        return toBase64(r.bytes());
      case 'int64':
      case 'uint64': {
        const at = r.pos;
        const v = f.scalar === 'int64' ? r.int64() : r.varint();
        if (Number.isSafeInteger(v)) return v;
        // beyond 2^53 a number would round: keep every digit (Go prints them all)
        r.pos = at;
        return f.scalar === 'int64' ? BigInt.asIntN(64, r.varintBig()) : r.varintBig();
      }
      case 'int32':
        return r.int32();
      case 'uint32':
        return r.varint() >>> 0;
      case 'sint32':
      case 'sint64': {
        const v = r.varint();
        return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      }
      case 'double':
        return r.double();
      case 'float':
        return r.float();
      case 'fixed32':
        return r.fixed32();
      case 'sfixed32':
        return r.fixed32() | 0;
      case 'fixed64':
      case 'sfixed64': {
        const dv = r.fixed64Bytes();
        const big = f.scalar === 'fixed64' ? dv.getBigUint64(0, true) : dv.getBigInt64(0, true);
        const n = Number(big);
        return Number.isSafeInteger(n) ? n : big;
      }
      default:
        throw new WireError(`unsupported scalar ${String(f.scalar)}`, r.pos);
    }
  }

  private mapEntry(f: FieldDef, buf: Uint8Array, start: number, end: number, into: JsonObject): void {
    const r = new Reader(buf, start, end);
    let key: unknown = f.keyScalar === 'string' ? '' : 0;
    let val: unknown;
    let hasVal = false;
    let valStart = -1;
    let valEnd = -1;
    while (!r.done) {
      const tagAt = r.pos;
      const [num, wt] = r.tag();
      if (num === 1) {
        this.expectWire(f, wt, wireTypeOf(f.keyScalar!), tagAt);
        key = this.scalar({ ...f, scalar: f.keyScalar }, r);
      } else if (num === 2) {
        if (f.scalar) {
          this.expectWire(f, wt, wireTypeOf(f.scalar), tagAt);
          val = this.scalar(f, r);
          hasVal = true;
        } else {
          this.expectWire(f, wt, WIRE_BYTES, tagAt);
          [valStart, valEnd] = r.lengthDelimited();
        }
      } else r.skip(wt, num);
    }
    const k = String(key);
    if (!f.scalar) {
      // decoded after the key is known so preserved details get the right path
      this.path.push(f.json, k);
      val = valStart < 0 ? this.zero(f) : this.message(this.schema.fieldMessage(f), buf, valStart, valEnd);
      this.path.length -= 2;
      hasVal = true;
    }
    // gogo-protobuf starts a bytes map value as []byte{}, so an entry without one reads as "" (not null)
    into[k] = hasVal ? val : f.scalar === 'bytes' ? '' : this.zero(f);
  }

  private special(msg: MessageDef, buf: Uint8Array, start: number, end: number): unknown {
    const r = new Reader(buf, start, end);
    const fields = new Map<number, { wt: number; s: number; e: number; at: number }>();
    const repeated: Array<[number, number]> = [];
    while (!r.done) {
      const at = r.pos;
      const [num, wt] = r.tag();
      const s = r.pos;
      r.skip(wt, num);
      const known = msg.byNumber.get(num);
      if (!known) this.preserved.addUnknown(this.path, { number: num, bytes: buf.slice(at, r.pos) });
      else {
        const expected = known.scalar ? wireTypeOf(known.scalar) : WIRE_BYTES;
        if (wt !== expected && !(known.repeated && wt === WIRE_BYTES)) this.expectWire(known, wt, expected, at);
        fields.set(num, { wt, s, e: r.pos, at });
        if (known.repeated) repeated.push([num, at]);
      }
    }
    const int = (n: number): number => {
      const x = fields.get(n);
      return x ? new Reader(buf, x.s, x.e).int64() : 0;
    };
    const str = (n: number): string => {
      const x = fields.get(n);
      return x ? new Reader(buf, x.s, x.e).string() : '';
    };
    switch (msg.special) {
      case 'Time':
      case 'MicroTime': {
        if (end === start) return null; // Go zero time
        const seconds = int(1);
        const nanos = int(2);
        const text = msg.special === 'Time' ? formatTime(seconds) : formatMicroTime(seconds, nanos);
        if (msg.special === 'Time' ? nanos !== 0 : nanos % 1000 !== 0) this.preserved.at(this.path).time = { text, nanos };
        return text;
      }
      case 'Duration': {
        const x = fields.get(1);
        return formatDuration(x ? BigInt.asIntN(64, new Reader(buf, x.s, x.e).varintBig()) : 0n);
      }
      case 'Quantity':
        return fields.has(1) ? str(1) : '0';
      case 'IntOrString':
        return int(1) === 1 ? str(3) : int(2) | 0;
      case 'RawJSON': {
        const x = fields.get(1);
        if (!x) return null;
        const bytes = new Reader(buf, x.s, x.e).bytes();
        if (bytes.length === 0) return null;
        let value: unknown;
        try {
          value = parseJsonExact(utf8Decode(bytes));
        } catch {
          throw new WireError(`embedded JSON at ${this.path.join('.') || '(root)'} is not valid JSON`, x.at);
        }
        this.preserved.at(this.path).raw = { value, bytes: bytes.slice() };
        return value;
      }
      case 'Items':
        // present (even empty): a non-nil slice in Go, so [] rather than null
        return this.collectRepeated(msg, buf, start, end, 1) ?? [];
      case 'PropsOrBool': {
        if (fields.has(2)) return this.subMessage(msg, 2, buf, fields.get(2)!);
        return int(1) !== 0;
      }
      case 'PropsOrArray': {
        const arr = this.collectRepeated(msg, buf, start, end, 2);
        if (arr && arr.length > 0) return arr;
        return fields.has(1) ? this.subMessage(msg, 1, buf, fields.get(1)!) : null;
      }
      case 'PropsOrStringArray': {
        const arr = this.collectRepeated(msg, buf, start, end, 2);
        if (arr && arr.length > 0) return arr;
        return fields.has(1) ? this.subMessage(msg, 1, buf, fields.get(1)!) : null;
      }
      default:
        throw new WireError(`unsupported special type ${String(msg.special)}`, start);
    }
  }

  private subMessage(msg: MessageDef, num: number, buf: Uint8Array, x: { s: number; e: number }): unknown {
    const f = msg.byNumber.get(num)!;
    const [s, e] = new Reader(buf, x.s, x.e).lengthDelimited();
    return this.message(this.schema.fieldMessage(f), buf, s, e);
  }

  /** All occurrences of repeated field `num` (the special unions hold at most one repeated field). */
  private collectRepeated(msg: MessageDef, buf: Uint8Array, start: number, end: number, num: number): unknown[] | null {
    const f = msg.byNumber.get(num)!;
    const out: unknown[] = [];
    const r = new Reader(buf, start, end);
    while (!r.done) {
      const at = r.pos;
      const [n, wt] = r.tag();
      if (n !== num) {
        r.skip(wt, n);
        continue;
      }
      this.path.push(out.length);
      out.push(this.value(f, r, wt, at));
      this.path.pop();
    }
    return out.length ? out : null;
  }
}

function wireTypeOf(s: string): number {
  switch (s) {
    case 'string':
    case 'bytes':
      return WIRE_BYTES;
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WIRE_FIXED64;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return WIRE_FIXED32;
    default:
      return WIRE_VARINT;
  }
}

function isEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'string') return v === '';
  if (v && typeof v === 'object') return Object.keys(v).length === 0;
  return v === null;
}

export { wireTypeOf };
