/**
 * Facade over the Kubernetes value codec: bytes from etcd -> something a person can read and edit, and
 * edited text -> the bytes kube-apiserver would have written. Decoding never throws; encoding throws
 * K8sEditError (path + line for each problem) rather than write something the apiserver cannot read.
 */
import { isDeepStrictEqual } from 'node:util';
import { K8sEditError, errorMessage } from '../errors';
import { decodeCborDetailed, encodeCbor, type CborHints } from './cbor';
import { Decoder, type JsonObject } from './decode';
import { Encoder } from './encode';
import { buildEnvelope, detectFormat, parseEncryptionPrefix, parseEnvelope, type Encryption, type K8sEnvelope } from './envelope';
import type { PreserveTable } from './preserve';
import { defaultSchema, type MessageDef, type Schema } from './schema';
import { checkIdentity, parseEdit, throwIfAny, withLines } from './validate';
import { parseJsonExact, stringifyGo } from './goJson';
import { inGoMapOrder, inGoStructOrder } from './goOrder';
import { toJson, toYaml } from './yaml';

export { toJson, toYaml };

const META_V1 = 'meta.k8s.io/v1';

interface Base {
  /** The stored bytes, as given. */
  bytes: Uint8Array;
  /** Why the value could not be shown as an object (the raw view is still available). */
  error?: string;
}

export type Decoded =
  | (Base & {
      format: 'k8s-protobuf';
      object?: JsonObject;
      apiVersion?: string;
      kind?: string;
      envelope?: K8sEnvelope;
      /** Details the JSON view cannot show, restored on save (unknown fields, sub-second times, raw JSON). */
      preserved?: PreserveTable;
      /** JSON paths holding fields this schema does not know (kept on save). */
      unknownFieldPaths?: string[];
    })
  | (Base & { format: 'json'; object?: JsonObject })
  | (Base & {
      format: 'cbor';
      object?: JsonObject;
      /** Encodings the JSON view cannot show (whole-number floats, tags, text strings), kept on save. */
      cborHints?: CborHints;
    })
  | (Base & { format: 'encrypted'; encryption: Encryption })
  | (Base & { format: 'text'; text: string })
  | (Base & { format: 'binary' });

export interface DecodeOptions {
  /** etcd key, used only for messages. */
  key?: string;
  /** Type to assume when the envelope names none (e.g. WatchEvent has empty TypeMeta). */
  type?: { apiVersion: string; kind: string };
  schema?: Schema;
}

/** Message for an apiVersion/kind; meta types (Status, DeleteOptions…) are served under every group/version. */
export function findMessage(schema: Schema, apiVersion: string, kind: string): MessageDef | undefined {
  return schema.messageForKind(apiVersion, kind) ?? schema.messageForKind(META_V1, kind);
}

export function decodeValue(bytes: Uint8Array, opts: DecodeOptions = {}): Decoded {
  const format = detectFormat(bytes);
  switch (format) {
    case 'k8s-protobuf':
      return decodeProtobuf(bytes, opts);
    case 'json':
      try {
        return { format, bytes, object: asObject(parseJsonExact(new TextDecoder('utf-8', { fatal: true }).decode(bytes))) };
      } catch (e) {
        return { format, bytes, error: `value starts like JSON but is not valid JSON: ${errorMessage(e)}` };
      }
    case 'cbor':
      try {
        const { value, hints } = decodeCborDetailed(bytes);
        const obj = asObject(value);
        // CBOR maps come sorted shortest key first; show them in the order Go's JSON has
        const typed = typedCbor(opts.schema, obj, opts.type);
        const object = (typed ? inGoStructOrder(obj, typed.schema, typed.message) : inGoMapOrder(obj)) as JsonObject;
        return { format, bytes, object, ...(hints.size ? { cborHints: hints } : {}) };
      } catch (e) {
        return { format, bytes, error: `value has the CBOR prefix (d9 d9 f7) but cannot be decoded: ${errorMessage(e)}` };
      }
    case 'encrypted': {
      const encryption = parseEncryptionPrefix(bytes)!;
      return {
        format,
        bytes,
        encryption,
        error: `encrypted at rest by the ${encryption.provider} provider (key "${encryption.keyName}"): it can be shown (read-only) with kube-apiserver's EncryptionConfiguration file (the connection's encryptionConfig, or --encryption-config)`,
      };
    }
    case 'text':
      return { format, bytes, text: new TextDecoder().decode(bytes) };
    default:
      return { format: 'binary', bytes };
  }
}

function asObject(v: unknown): JsonObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('top-level value is not an object');
  return v as JsonObject;
}

function decodeProtobuf(bytes: Uint8Array, opts: DecodeOptions): Decoded {
  let env: K8sEnvelope;
  try {
    env = parseEnvelope(bytes);
  } catch (e) {
    return { format: 'k8s-protobuf', bytes, error: `corrupt Kubernetes protobuf envelope: ${errorMessage(e)}` };
  }
  const apiVersion = env.apiVersion || opts.type?.apiVersion || '';
  const kind = env.kind || opts.type?.kind || '';
  const base = { format: 'k8s-protobuf' as const, bytes, envelope: env, apiVersion: env.apiVersion, kind: env.kind };
  if (!apiVersion || !kind) {
    return { ...base, error: 'the envelope names no apiVersion/kind, so the object type is unknown (raw view only)' };
  }
  let schema: Schema;
  let msg: MessageDef | undefined;
  try {
    schema = opts.schema ?? defaultSchema();
    msg = findMessage(schema, apiVersion, kind);
  } catch (e) {
    return { ...base, error: errorMessage(e) };
  }
  if (!msg) {
    const gvKnown = schema.packageFor(apiVersion) !== undefined;
    return {
      ...base,
      error: gvKnown
        ? `unknown kind ${kind} in ${apiVersion}: not in the bundled Kubernetes schema (raw view only)`
        : `unknown apiVersion ${apiVersion} (kind ${kind}): not in the bundled Kubernetes schema (raw view only)`,
    };
  }
  const decoder = new Decoder(schema);
  try {
    const body = decoder.message(msg, env.raw, 0, env.raw.length) as JsonObject;
    // TypeMeta comes from the envelope and leads, as in Go's struct order; Go omits it when empty
    const object: JsonObject = {};
    if (msg.hasTypeMeta && env.kind) object.kind = env.kind;
    if (msg.hasTypeMeta && env.apiVersion) object.apiVersion = env.apiVersion;
    Object.assign(object, body);
    const unknownFieldPaths = decoder.preserved.unknownPaths();
    return { ...base, object, preserved: decoder.preserved, ...(unknownFieldPaths.length ? { unknownFieldPaths } : {}) };
  } catch (e) {
    return { ...base, error: `cannot decode ${kind} (${apiVersion}): ${errorMessage(e)}` };
  }
}

export interface EncodeOptions {
  /** etcd key the value is stored under: metadata.name/namespace must match it. */
  key?: string;
  schema?: Schema;
}

/**
 * Turns edited YAML/JSON text back into stored bytes in the original's format. An unchanged object gives
 * back the original bytes exactly. Throws K8sEditError when the edit would corrupt the value.
 */
export function encodeValue(original: Decoded | Uint8Array, editedText: string, opts: EncodeOptions = {}): Uint8Array {
  const orig = original instanceof Uint8Array ? decodeValue(original, { schema: opts.schema }) : original;
  if (orig.format === 'text') return new TextEncoder().encode(editedText);
  if (orig.format === 'encrypted' || orig.format === 'binary' || orig.error || !orig.object) {
    throw new K8sEditError([
      { path: '(root)', message: `this ${orig.format} value cannot be edited${orig.error ? `: ${orig.error}` : ''}` },
    ]);
  }
  const parsed = parseEdit(editedText);
  const edited = parsed.value as JsonObject;
  const meta = orig.object.metadata as { namespace?: string } | undefined;
  const identity = {
    apiVersion: typeof orig.object.apiVersion === 'string' ? orig.object.apiVersion : undefined,
    kind: typeof orig.object.kind === 'string' ? orig.object.kind : undefined,
    namespace: meta?.namespace || undefined,
  };
  throwIfAny(checkIdentity(identity, edited, opts.key, parsed.lineOf));
  if (isDeepStrictEqual(edited, orig.object)) return orig.bytes;
  if (orig.format === 'json') {
    // the apiserver stores custom resources as Go's encoding/json writes a map: compact, keys sorted,
    // newline-terminated
    const nl = orig.bytes[orig.bytes.length - 1] === 0x0a ? '\n' : '';
    return new TextEncoder().encode(stringifyGo(edited, { sortKeys: true }) + nl);
  }
  if (orig.format === 'cbor') return encodeCbor(edited, { hints: orig.cborHints, schema: typedCbor(opts.schema, edited) });
  const schema = opts.schema ?? defaultSchema();
  const apiVersion = orig.apiVersion || identity.apiVersion || '';
  const kind = orig.kind || identity.kind || '';
  return encodeChecked(schema, apiVersion, kind, edited, parsed.lineOf, orig.preserved, orig.envelope);
}

function encodeChecked(
  schema: Schema,
  apiVersion: string,
  kind: string,
  obj: JsonObject,
  lineOf: (p: readonly (string | number)[]) => number | undefined,
  preserved?: PreserveTable,
  envelope?: K8sEnvelope,
): Uint8Array {
  const raw = encodeBody(schema, apiVersion, kind, obj, lineOf, preserved);
  return buildEnvelope(envelope?.apiVersion ?? apiVersion, envelope?.kind ?? kind, raw, envelope);
}

function encodeBody(
  schema: Schema,
  apiVersion: string,
  kind: string,
  obj: JsonObject,
  lineOf: (p: readonly (string | number)[]) => number | undefined,
  preserved?: PreserveTable,
): Uint8Array {
  const msg = findMessage(schema, apiVersion, kind);
  if (!msg) {
    throw new K8sEditError([
      {
        path: 'kind',
        message: `unknown kind ${kind} in ${apiVersion || '(no apiVersion)'}: not in the bundled Kubernetes schema`,
        line: lineOf(['kind']),
      },
    ]);
  }
  const enc = new Encoder(schema, preserved);
  const raw = enc.message(msg, obj);
  throwIfAny(withLines(enc.issues, lineOf));
  return raw;
}

/**
 * A built-in kind is written in CBOR as its Go type (apimachinery's serializer): []byte fields as tag 22,
 * float fields as floats. Custom resources (not in the schema) have no such type.
 */
function typedCbor(schema: Schema | undefined, obj: JsonObject, type?: { apiVersion: string; kind: string }) {
  const apiVersion = type?.apiVersion ?? (typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  const kind = type?.kind ?? (typeof obj.kind === 'string' ? obj.kind : '');
  const s = schema ?? defaultSchema();
  const message = apiVersion && kind ? findMessage(s, apiVersion, kind) : undefined;
  return message ? { schema: s, message } : undefined;
}

/**
 * Encodes a free-standing object (YAML/JSON text) as kube-apiserver stores it: k8s protobuf for built-in
 * types, JSON for anything else (custom resources), or CBOR when asked.
 */
export function encodeText(
  text: string,
  opts: EncodeOptions & { to?: 'pb' | 'json' | 'cbor'; type?: { apiVersion: string; kind: string } } = {},
): Uint8Array {
  const parsed = parseEdit(text);
  const obj = parsed.value as JsonObject;
  const own = { apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '', kind: typeof obj.kind === 'string' ? obj.kind : '' };
  throwIfAny(checkIdentity({}, obj, opts.key, parsed.lineOf));
  if (opts.to === 'json') return new TextEncoder().encode(stringifyGo(obj, { sortKeys: true }) + '\n');
  if (opts.to === 'cbor') return encodeCbor(obj, { schema: typedCbor(opts.schema, obj, opts.type) });
  // the type to encode as: the object's own, or `type` for kinds whose JSON has no TypeMeta (WatchEvent)
  const { apiVersion, kind } = opts.type ?? own;
  if (!apiVersion || !kind) {
    throw new K8sEditError([{ path: apiVersion ? 'kind' : 'apiVersion', message: 'is required to choose the protobuf type', line: 1 }]);
  }
  const raw = encodeBody(opts.schema ?? defaultSchema(), apiVersion, kind, obj, parsed.lineOf);
  // the envelope carries the object's own TypeMeta: empty for types whose JSON has none
  return buildEnvelope(own.apiVersion, own.kind, raw);
}

/** Encodes a kube JSON object (no text involved) to stored protobuf bytes; throws K8sEditError on bad input. */
export function encodeObject(obj: JsonObject, opts: { schema?: Schema; type?: { apiVersion: string; kind: string } } = {}): Uint8Array {
  const own = { apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '', kind: typeof obj.kind === 'string' ? obj.kind : '' };
  const type = opts.type ?? own;
  // the envelope carries the object's own TypeMeta: empty for types whose JSON has none (WatchEvent)
  const raw = encodeBody(opts.schema ?? defaultSchema(), type.apiVersion, type.kind, obj, () => undefined);
  return buildEnvelope(own.apiVersion, own.kind, raw);
}
