/**
 * kube JSON object -> protobuf bytes laid out exactly as Go's gogo-protobuf marshaller writes them:
 * ascending field numbers, map entries sorted by key, non-pointer scalars and structs always written,
 * nil pointers / empty repeated and map fields / nil bytes left out. Type problems are collected as
 * issues with their JSON path instead of aborting at the first one, so the user sees them all.
 */
import { isDeepStrictEqual } from 'node:util';
import { fromBase64, parseDuration, parseTime, type PathSeg, formatPath } from './jsonForms';
import type { PreserveTable, UnknownField } from './preserve';
import type { FieldDef, MessageDef, Scalar, Schema } from './schema';
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, Writer, utf8Encode } from './wire';
import { wireTypeOf } from './decode';
import { stringifyGo } from './goJson';

export interface EncodeIssue {
  /** Display path, e.g. `spec.containers[0].ports[0].containerPort`. */
  path: string;
  /** The same path as segments (for locating the YAML line). */
  segs: PathSeg[];
  message: string;
}

type Obj = Record<string, unknown>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const I64: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];
const U64: [bigint, bigint] = [0n, 2n ** 64n - 1n];
const I32: [number, number] = [INT32_MIN, INT32_MAX];
const U32: [number, number] = [0, 4294967295];
/** Inclusive bounds per integer scalar (Go's int32/uint32/int64/uint64). */
const INT_RANGE: Record<string, [number | bigint, number | bigint]> = {
  int32: I32,
  sint32: I32,
  sfixed32: I32,
  uint32: U32,
  fixed32: U32,
  int64: I64,
  sint64: I64,
  sfixed64: I64,
  uint64: U64,
  fixed64: U64,
};
const EMPTY = new Uint8Array(0);

export class Encoder {
  readonly issues: EncodeIssue[] = [];
  private readonly path: PathSeg[] = [];

  constructor(
    private readonly schema: Schema,
    private readonly preserved?: PreserveTable,
  ) {}

  private issue(message: string, extra?: PathSeg): void {
    const segs = (extra === undefined ? [...this.path] : [...this.path, extra]).filter((s) => s !== '');
    this.issues.push({ path: formatPath(segs), segs, message });
  }

  /** Encodes `value` (the JSON form) as `msg`, without a length prefix. */
  message(msg: MessageDef, value: unknown, inlineChild = false): Uint8Array {
    if (msg.special) return this.special(msg, value);
    const w = new Writer(64);
    let obj: Obj = {};
    if (value !== null && value !== undefined) {
      if (typeof value !== 'object' || Array.isArray(value)) this.issue(`expected object, got ${describe(value)}`);
      else obj = value as Obj;
    }
    if (!inlineChild) this.checkKeys(msg, obj);
    const unknown = this.unknownHere();
    for (const f of msg.wireOrder) {
      while (unknown.length && unknown[0].number < f.number) w.raw(unknown.shift()!.bytes);
      if (f.hidden) continue;
      if (f.inline) {
        // embedded struct: its keys live in our object; non-pointer, so always written
        this.path.push('');
        w.lengthDelimited(f.number, this.message(this.schema.fieldMessage(f), obj, true));
        this.path.pop();
        continue;
      }
      this.field(w, f, obj[f.json]);
    }
    for (const u of unknown) w.raw(u.bytes);
    return w.finish();
  }

  private unknownHere(): UnknownField[] {
    const u = this.preserved?.get(this.path)?.unknown;
    return u ? [...u].sort((a, b) => a.number - b.number) : [];
  }

  /** Flags JSON keys the schema does not know (they would be silently lost otherwise). */
  private checkKeys(msg: MessageDef, obj: Obj): void {
    for (const key of Object.keys(obj)) {
      if (msg.hasTypeMeta && (key === 'kind' || key === 'apiVersion')) continue;
      if (!this.knows(msg, key)) this.issue(`unknown field "${key}" (not in the ${msg.name} schema)`, key);
    }
  }

  private knows(msg: MessageDef, key: string): boolean {
    if (msg.byJson.has(key)) return true;
    for (const f of msg.fields) if (f.inline && this.knows(this.schema.fieldMessage(f), key)) return true;
    return false;
  }

  private field(w: Writer, f: FieldDef, v: unknown): void {
    const absent = v === undefined || v === null;
    this.path.push(f.json);
    try {
      if (f.map) {
        if (absent) return;
        if (typeof v !== 'object' || Array.isArray(v)) return this.issue(`expected object (map), got ${describe(v)}`);
        const keys = Object.keys(v as Obj).sort(compareKeys);
        for (const k of keys) {
          const entry = new Writer(64);
          this.mapKey(entry, f.keyScalar!, k);
          this.path.push(k);
          const ev = (v as Obj)[k];
          if (f.scalar) {
            // nil []byte values are the only map values Go leaves out
            if (!(f.scalar === 'bytes' && (ev === null || ev === undefined))) this.scalar(entry, 2, f.scalar, ev);
          } else entry.lengthDelimited(2, this.message(this.schema.fieldMessage(f), ev));
          this.path.pop();
          w.lengthDelimited(f.number, entry.finish());
        }
        return;
      }
      if (f.repeated) {
        if (absent) return;
        if (!Array.isArray(v)) return this.issue(`expected array, got ${describe(v)}`);
        v.forEach((el, i) => {
          this.path.push(i);
          if (f.scalar) this.scalar(w, f.number, f.scalar, el);
          else w.lengthDelimited(f.number, this.message(this.schema.fieldMessage(f), el));
          this.path.pop();
        });
        return;
      }
      if (f.scalar) {
        if (absent && (f.pointer || f.scalar === 'bytes')) return;
        this.scalar(w, f.number, f.scalar, absent ? zeroOf(f.scalar) : v);
        return;
      }
      const m = this.schema.fieldMessage(f);
      if (absent && (f.pointer || m.special === 'Items')) return;
      w.lengthDelimited(f.number, this.message(m, v));
    } finally {
      this.path.pop();
    }
  }

  private mapKey(w: Writer, s: Scalar, k: string): void {
    if (s === 'string') w.string(1, k);
    else this.scalar(w, 1, s, Number(k));
  }

  private scalar(w: Writer, num: number, s: Scalar, v: unknown): void {
    switch (s) {
      case 'string':
        if (typeof v !== 'string') return this.issue(`expected string, got ${describe(v)}`);
        w.string(num, v);
        return;
      case 'bool':
        if (typeof v !== 'boolean') return this.issue(`expected boolean, got ${describe(v)}`);
        w.tag(num, WIRE_VARINT).uvarint(v ? 1 : 0);
        return;
      case 'bytes': {
        if (typeof v !== 'string') return this.issue(`expected base64 string, got ${describe(v)}`);
        const b = fromBase64(v);
        if (!b) return this.issue('expected base64 string (standard alphabet, padded)');
        w.lengthDelimited(num, b);
        return;
      }
      case 'double':
      case 'float':
        if (typeof v !== 'number') return this.issue(`expected number, got ${describe(v)}`);
        if (s === 'double') w.tag(num, WIRE_FIXED64).double(v);
        else w.tag(num, WIRE_FIXED32).float(v);
        return;
      default:
        this.integer(w, num, s, v);
    }
  }

  /** Integer scalars: numbers or (beyond 2^53) bigints, range-checked for their protobuf type. */
  private integer(w: Writer, num: number, s: Scalar, v: unknown): void {
    if (!(typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) {
      return this.issue(`expected integer, got ${describe(v)}`);
    }
    const [min, max] = INT_RANGE[s];
    if (v < min || v > max) return this.issue(`integer ${v} out of range for ${s}`);
    const wt = wireTypeOf(s);
    w.tag(num, wt);
    if (wt === WIRE_FIXED32) w.fixed32(Number(v));
    else if (wt === WIRE_FIXED64) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
      w.raw(b);
    } else if (s === 'sint32' || s === 'sint64') {
      const big = BigInt(v);
      w.bigVarint(big >= 0n ? big * 2n : -big * 2n - 1n);
    } else if (typeof v === 'bigint') w.bigVarint(BigInt.asUintN(64, v));
    else w.varint(v);
  }

  private special(msg: MessageDef, v: unknown): Uint8Array {
    const w = new Writer(32);
    const here = this.preserved?.get(this.path);
    const sub = (num: number, value: unknown): Uint8Array => this.message(this.schema.fieldMessage(msg.byNumber.get(num)!), value);
    switch (msg.special) {
      case 'Time':
      case 'MicroTime': {
        if (v === null || v === undefined) return EMPTY;
        if (typeof v !== 'string') return this.issueEmpty(`expected RFC 3339 time string, got ${describe(v)}`);
        const t = parseTime(v);
        if (!t) return this.issueEmpty(`invalid time "${v}": expected RFC 3339 like 2024-01-31T12:00:00Z`);
        const nanos = here?.time && here.time.text === v ? here.time.nanos : t.nanos;
        w.tag(1, WIRE_VARINT).varint(t.seconds).tag(2, WIRE_VARINT).varint(nanos);
        return w.finish();
      }
      case 'Duration': {
        const ns = typeof v === 'string' ? parseDuration(v) : undefined;
        if (ns === undefined) return this.issueEmpty(`invalid duration ${describe(v)}: expected e.g. "1h2m3s"`);
        w.tag(1, WIRE_VARINT);
        if (typeof ns === 'bigint') w.bigVarint(BigInt.asUintN(64, ns));
        else w.varint(ns);
        return w.finish();
      }
      case 'Quantity': {
        const s = v === null || v === undefined ? '0' : typeof v === 'number' ? String(v) : v;
        if (typeof s !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/.test(s)) {
          return this.issueEmpty(`invalid quantity ${describe(v)}: expected e.g. "500m", "1Gi" or 2`);
        }
        return w.string(1, s).finish();
      }
      case 'IntOrString':
        if (typeof v === 'string') return w.tag(1, WIRE_VARINT).uvarint(1).tag(2, WIRE_VARINT).uvarint(0).string(3, v).finish();
        if (v === null || v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX)) {
          return w
            .tag(1, WIRE_VARINT)
            .uvarint(0)
            .tag(2, WIRE_VARINT)
            .varint((v as number | null) ?? 0)
            .string(3, '')
            .finish();
        }
        return this.issueEmpty(`expected integer or string, got ${describe(v)}`);
      case 'RawJSON': {
        if (v === null || v === undefined) return EMPTY;
        // unchanged: the stored bytes; else what Go's encoding/json would write for the value
        const bytes = here?.raw && isDeepStrictEqual(here.raw.value, v) ? here.raw.bytes : utf8Encode(stringifyGo(v));
        return w.lengthDelimited(1, bytes).finish();
      }
      case 'Items':
        if (v === null || v === undefined) return EMPTY;
        if (!Array.isArray(v)) return this.issueEmpty(`expected array of strings, got ${describe(v)}`);
        v.forEach((s, i) => {
          this.path.push(i);
          this.scalar(w, 1, 'string', s);
          this.path.pop();
        });
        return w.finish();
      case 'PropsOrBool':
        if (typeof v === 'boolean')
          return w
            .tag(1, WIRE_VARINT)
            .uvarint(v ? 1 : 0)
            .finish();
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          return w.tag(1, WIRE_VARINT).uvarint(1).lengthDelimited(2, sub(2, v)).finish();
        }
        if (v === null || v === undefined) return w.tag(1, WIRE_VARINT).uvarint(0).finish();
        return this.issueEmpty(`expected boolean or schema object, got ${describe(v)}`);
      case 'PropsOrArray':
      case 'PropsOrStringArray': {
        if (v === null || v === undefined) return EMPTY;
        if (Array.isArray(v)) {
          v.forEach((el, i) => {
            this.path.push(i);
            if (msg.special === 'PropsOrArray') w.lengthDelimited(2, sub(2, el));
            else this.scalar(w, 2, 'string', el);
            this.path.pop();
          });
          return w.finish();
        }
        if (typeof v === 'object') return w.lengthDelimited(1, sub(1, v)).finish();
        return this.issueEmpty(`expected schema object or array, got ${describe(v)}`);
      }
      default:
        return this.issueEmpty(`unsupported special type ${String(msg.special)}`);
    }
  }

  private issueEmpty(message: string): Uint8Array {
    this.issue(message);
    return EMPTY;
  }
}

function zeroOf(s: Scalar): unknown {
  return s === 'string' ? '' : s === 'bool' ? false : s === 'bytes' ? '' : 0;
}

/** Go sorts map keys by byte order; for UTF-8 that equals code-point order. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'object') return 'object';
  return `${typeof v} ${String(v)}`;
}

export { WIRE_BYTES };
