/**
 * Which values a search can rule out from their stored bytes, without decoding them.
 *
 * Decoding a Kubernetes object and printing it as YAML costs ~50x more than reading it, so a search
 * looks first for a literal every match must contain (requiredLiteral) in the stored bytes. That is
 * only sound when the literal cannot come from text the decoder makes up rather than copies:
 *  - field names (`containerPort`) are not in protobuf bytes: a literal inside any schema field name
 *    is never looked for in protobuf values (JSON and CBOR values carry their keys);
 *  - numbers, booleans, null, timestamps and durations are printed from binary: a literal made only
 *    of their characters (`8080`, `2026-01-01T`, `true`) is never looked for;
 *  - `bytes` fields print as base64 (Secret.data): a base64-looking literal is not looked for in
 *    values of kinds that have such a field (found in the schema);
 *  - YAML adds `: `, `- `, indentation, quotes and escapes: a literal with quotes, backslashes,
 *    brackets, `: ` or `- `, leading or trailing spaces, a trailing ':' (`app:`), or non-ASCII is
 *    not looked for;
 *  - JSON values may escape characters: a value with a backslash in it is always decoded.
 * Strings, map keys, apiVersion and kind are copied byte for byte, so any other literal must be in
 * the stored bytes of every value whose YAML matches. Tests compare with decoding everything.
 */
import { defaultSchema, MessageDef, Schema } from '../k8s/schema';

/** A literal to look for in stored bytes, and for which kinds of value that is sound. */
export interface Prefilter {
  /** UTF-8 bytes (ASCII); lower-case when `ignoreCase`. */
  literal: Buffer;
  ignoreCase: boolean;
  /** Sound for Kubernetes protobuf values. */
  protobuf: boolean;
  /** Sound for JSON values (without backslashes). */
  json: boolean;
  /** Sound for plain text values. */
  text: boolean;
  /** The literal could be part of base64 text: values of kinds with `bytes` fields must be decoded. */
  base64: boolean;
}

const NUMBER = /^[0-9.eE+-]+$/;
const TIMESTAMP = /^[0-9TZ:.+-]+$/;
const DURATION = /^[0-9.hmsunµ]+$/;
const BASE64 = /^[A-Za-z0-9+/=]+$/;
const WORDS = ['true', 'false', 'null'];

/** Characters YAML or JSON may add or change around copied text. */
const UNSAFE = /["'\\`{}[\]|>#&*!%@\t\n\r]|[^\x20-\x7e]|: |- /;

function generated(literal: string): boolean {
  const l = literal.toLowerCase();
  return NUMBER.test(literal) || TIMESTAMP.test(literal) || DURATION.test(literal) || WORDS.some((w) => w.includes(l));
}

let fieldNames: string[] | undefined;
let bytesKinds: Buffer[] | undefined;

/** Every JSON field name in the schema (lower-case), and the kinds whose objects may hold a `bytes` field. */
function schemaFacts(schema: Schema): { names: string[]; kinds: Buffer[] } {
  if (fieldNames && bytesKinds) return { names: fieldNames, kinds: bytesKinds };
  const names = new Set<string>(['apiversion', 'kind']);
  const all: MessageDef[] = [];
  for (const p of schema.packages()) for (const m of schema.packageMessages(p)) all.push(schema.message(`${p}.${m}`));
  for (const m of all) for (const f of m.fields) if (f.json) names.add(f.json.toLowerCase());
  // Which messages reach a bytes field (special forms such as raw JSON print as JSON, not base64).
  const reaches = new Map<string, boolean>();
  const visit = (m: MessageDef): boolean => {
    const known = reaches.get(m.fullName);
    if (known !== undefined) return known;
    reaches.set(m.fullName, false);
    let found = false;
    for (const f of m.fields) {
      if (f.scalar === 'bytes') found = true;
      else if (f.messageName) {
        let sub: MessageDef | undefined;
        try {
          sub = schema.fieldMessage(f);
        } catch {
          sub = undefined;
        }
        if (sub && !sub.special && visit(sub)) found = true;
      }
      if (found) break;
    }
    reaches.set(m.fullName, found);
    return found;
  };
  const kinds = new Set<string>();
  for (const m of all) if (m.hasTypeMeta && visit(m)) kinds.add(m.name);
  fieldNames = [...names];
  bytesKinds = [...kinds].map((k) => Buffer.from(k));
  return { names: fieldNames, kinds: bytesKinds };
}

/** The kinds whose objects may hold base64 text, as bytes (for kindIn). */
export function base64Kinds(schema: Schema = defaultSchema()): Buffer[] {
  return schemaFacts(schema).kinds;
}

/** A prefilter for a text pattern's required literal (undefined when none is sound). */
export function textPrefilter(literal: string | undefined, ignoreCase: boolean, schema: Schema = defaultSchema()): Prefilter | undefined {
  if (!literal || literal.length < 2) return undefined;
  if (/[^\x20-\x7e]/.test(literal)) return undefined;
  const lower = literal.toLowerCase();
  const text = true;
  const yamlSafe = !UNSAFE.test(literal) && !/^\s|\s$|:$/.test(literal) && !generated(literal);
  const protobuf = yamlSafe && !schemaFacts(schema).names.some((n) => n.includes(lower));
  return {
    literal: Buffer.from(ignoreCase ? lower : literal),
    ignoreCase,
    protobuf,
    json: yamlSafe,
    text,
    base64: BASE64.test(literal),
  };
}

/**
 * A prefilter for a field value (`PATH=VALUE`, or a regex's required literal for `PATH=~REGEX`):
 * the value is one whole scalar, so only generated scalars and escapes matter.
 */
export function valuePrefilter(literal: string | undefined, ignoreCase: boolean): Prefilter | undefined {
  if (!literal || literal.length < 2) return undefined;
  if (/[^\x20-\x7e]/.test(literal) || generated(literal)) return undefined;
  return {
    literal: Buffer.from(ignoreCase ? literal.toLowerCase() : literal),
    ignoreCase,
    protobuf: true,
    json: true,
    text: false,
    base64: BASE64.test(literal),
  };
}

/**
 * Whether a protobuf value's envelope names one of `kinds` (typeMeta.kind, read in place).
 * buf[vs, ve) is the value; it starts with "k8s\0".
 */
export function kindIn(buf: Uint8Array, vs: number, ve: number, kinds: Buffer[]): boolean {
  let p = vs + 4;
  // Field 1 (typeMeta) comes first in kube-apiserver's envelope: 0a LEN 0a LEN apiVersion 12 LEN kind.
  if (buf[p] !== 0x0a) return true;
  const tmLen = buf[p + 1];
  if (tmLen >= 0x80) return true;
  p += 2;
  const tmEnd = p + tmLen;
  while (p < tmEnd && p < ve) {
    const tag = buf[p];
    const len = buf[p + 1];
    if (len >= 0x80) return true;
    if (tag === 0x12) {
      const ks = p + 2;
      for (const k of kinds) {
        if (k.length !== len) continue;
        let j = 0;
        while (j < len && buf[ks + j] === k[j]) j++;
        if (j === len) return true;
      }
      return false;
    }
    p += 2 + len;
  }
  return true;
}
