/**
 * Recognises what an etcd value holds before anything tries to decode it: the "k8s\0" protobuf envelope
 * (runtime.Unknown), JSON, CBOR, an encryption-at-rest prefix, plain text or opaque binary.
 */
import { Reader, WIRE_BYTES, WireError, Writer, utf8Decode } from './wire';
import type { UnknownField } from './preserve';

export type ValueFormat = 'k8s-protobuf' | 'json' | 'cbor' | 'encrypted' | 'text' | 'binary';

export const K8S_MAGIC = new Uint8Array([0x6b, 0x38, 0x73, 0x00]);
export const CBOR_SELF_DESCRIBE = new Uint8Array([0xd9, 0xd9, 0xf7]);

export interface Encryption {
  /** aescbc | aesgcm | secretbox | kms | identity... as written in the prefix. */
  provider: string;
  /** Prefix version: v1 (or kms v1/v2). */
  version: string;
  keyName: string;
  /** Length of the `k8s:enc:...:` prefix; the ciphertext follows. */
  prefixLength: number;
}

const ENC_RE = /^k8s:enc:([a-z0-9]+):(v[0-9]+):([^:]*):/;

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function parseEncryptionPrefix(bytes: Uint8Array): Encryption | undefined {
  if (bytes.length < 8 || bytes[0] !== 0x6b || bytes[3] !== 0x3a) return undefined;
  const head = utf8Decode(bytes.subarray(0, Math.min(bytes.length, 300)));
  const m = ENC_RE.exec(head);
  if (!m) return undefined;
  return { provider: m[1], version: m[2], keyName: m[3], prefixLength: Buffer.byteLength(m[0]) };
}

/** Cheap format sniffing; never throws. */
export function detectFormat(bytes: Uint8Array): ValueFormat {
  if (startsWith(bytes, K8S_MAGIC)) return 'k8s-protobuf';
  if (startsWith(bytes, CBOR_SELF_DESCRIBE)) return 'cbor';
  if (parseEncryptionPrefix(bytes)) return 'encrypted';
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b) return 'json';
  return looksLikeText(bytes) ? 'text' : 'binary';
}

/** Valid UTF-8 without control characters other than whitespace. */
export function looksLikeText(bytes: Uint8Array): boolean {
  let s: string;
  try {
    s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/[\x00-\x08\x0e-\x1f\x7f]/.test(s);
}

/** The decoded runtime.Unknown wrapper. */
export interface K8sEnvelope {
  apiVersion: string;
  kind: string;
  /** The object's own protobuf bytes (a view into the input). */
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
  /** Which optional fields were present, so an unchanged envelope is re-written identically. */
  present: { typeMeta: boolean; raw: boolean; contentEncoding: boolean; contentType: boolean };
  unknown: UnknownField[];
}

export class EnvelopeError extends Error {}

/** Parses "k8s\0" + runtime.Unknown{typeMeta=1{apiVersion=1,kind=2}, raw=2, contentEncoding=3, contentType=4}. */
export function parseEnvelope(bytes: Uint8Array): K8sEnvelope {
  if (!startsWith(bytes, K8S_MAGIC)) {
    throw new EnvelopeError('missing the Kubernetes protobuf envelope: value does not start with "k8s\\0" (6b 38 73 00)');
  }
  const env: K8sEnvelope = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(0),
    contentEncoding: '',
    contentType: '',
    present: { typeMeta: false, raw: false, contentEncoding: false, contentType: false },
    unknown: [],
  };
  const r = new Reader(bytes, K8S_MAGIC.length);
  while (!r.done) {
    const at = r.pos;
    const [num, wt] = r.tag();
    if (num >= 1 && num <= 4 && wt !== WIRE_BYTES) {
      throw new WireError(`envelope field ${num} has wire type ${wt}, expected 2 (length-delimited)`, at);
    }
    switch (num) {
      case 1: {
        const [s, e] = r.lengthDelimited();
        const tm = new Reader(bytes, s, e);
        while (!tm.done) {
          const tat = tm.pos;
          const [n, w] = tm.tag();
          if ((n === 1 || n === 2) && w !== WIRE_BYTES) throw new WireError(`typeMeta field ${n} has wire type ${w}`, tat);
          if (n === 1) env.apiVersion = tm.string();
          else if (n === 2) env.kind = tm.string();
          else tm.skip(w, n);
        }
        env.present.typeMeta = true;
        break;
      }
      case 2:
        env.raw = r.bytes();
        env.present.raw = true;
        break;
      case 3:
        env.contentEncoding = r.string();
        env.present.contentEncoding = true;
        break;
      case 4:
        env.contentType = r.string();
        env.present.contentType = true;
        break;
      default:
        r.skip(wt, num);
        env.unknown.push({ number: num, bytes: bytes.slice(at, r.pos) });
    }
  }
  return env;
}

/** Writes the envelope as kube-apiserver does (typeMeta, raw, then empty contentEncoding/contentType). */
export function buildEnvelope(apiVersion: string, kind: string, raw: Uint8Array, like?: K8sEnvelope): Uint8Array {
  const w = new Writer(raw.length + 64);
  w.raw(K8S_MAGIC);
  const tm = new Writer(64).string(1, apiVersion).string(2, kind).finish();
  const unknown = [...(like?.unknown ?? [])].sort((a, b) => a.number - b.number);
  const flushUnknown = (below: number): void => {
    while (unknown.length && unknown[0].number < below) w.raw(unknown.shift()!.bytes);
  };
  flushUnknown(1);
  w.lengthDelimited(1, tm);
  flushUnknown(2);
  w.lengthDelimited(2, raw);
  flushUnknown(3);
  if (!like || like.present.contentEncoding) w.string(3, like?.contentEncoding ?? '');
  flushUnknown(4);
  if (!like || like.present.contentType) w.string(4, like?.contentType ?? '');
  flushUnknown(Infinity);
  return w.finish();
}
