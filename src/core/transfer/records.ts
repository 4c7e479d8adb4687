/**
 * The export file formats, one record per key. JSON lines (the default): one object per line,
 * `{"key":"/a/b","value":"<base64>","lease":"0"}` — `key` is the key as text when its bytes are valid
 * UTF-8 (most keys), else `key_base64` carries the exact bytes; `value` is always base64 (binary values
 * are kept exactly); `lease` is the hex id etcdctl prints ("0": none) and `ttl` its seconds left at export.
 * jq reads it: `jq -r '.key'`, `jq -r '.value | @base64d'`.
 *
 * The YAML variant, for reading and for Kubernetes objects: one YAML document per key, the key and how it
 * was stored in comment lines, then the decoded object (kubectl's YAML); a value that is not a Kubernetes
 * object (or cannot be decoded) keeps its bytes in a `# value-base64:` line. Importing it encodes each
 * object again as kube-apiserver stores it.
 */
import { EtcdStudioError } from '../errors';
import { decodeValue, encodeText, toYaml } from '../k8s/codec';
import { keyFromText, keyToText } from '../keytree/keyText';

export type TransferFormat = 'jsonl' | 'yaml';
export const TRANSFER_FORMATS: readonly TransferFormat[] = ['jsonl', 'yaml'];

/** One key of an export file. */
export interface TransferRecord {
  key: Buffer;
  value: Buffer;
  /** The source cluster's lease (hex) and its seconds left when exported; absent when the key had none. */
  lease?: { id: string; ttl: number };
  /** Where the record starts in its file (1-based line), for messages. */
  line: number;
}

/** A key as UTF-8 text when that is exact, else undefined. */
function exactUtf8(key: Buffer): string | undefined {
  const text = key.toString('utf8');
  return Buffer.from(text, 'utf8').equals(key) ? text : undefined;
}

/** The JSON line (with its newline) of one key. */
export function jsonLine(r: Omit<TransferRecord, 'line'>): string {
  const text = exactUtf8(r.key);
  const key = text !== undefined ? { key: text } : { key_base64: r.key.toString('base64') };
  const lease = r.lease ? { lease: r.lease.id, ttl: r.lease.ttl } : { lease: '0' };
  return JSON.stringify({ ...key, value: r.value.toString('base64'), ...lease }) + '\n';
}

function bad(where: string, what: string): EtcdStudioError {
  return new EtcdStudioError('InvalidArgument', `${where}: ${what}. Nothing was written.`);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Field(where: string, name: string, v: unknown): Buffer {
  if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) throw bad(where, `"${name}" must be base64 text`);
  return Buffer.from(v, 'base64');
}

function leaseOf(where: string, lease: unknown, ttl: unknown): TransferRecord['lease'] {
  if (lease === undefined || lease === '0' || lease === 0 || lease === null) return undefined;
  if (typeof lease !== 'string' || !/^[0-9a-f]{1,16}$/i.test(lease))
    throw bad(where, `"lease" must be a hex lease id or "0", got ${JSON.stringify(lease)}`);
  if (typeof ttl !== 'number' || !Number.isInteger(ttl)) throw bad(where, `"ttl" (seconds) must come with "lease" ${lease}`);
  return { id: lease.toLowerCase(), ttl };
}

/** Parses one JSON line; `where` names the file and line in errors. */
export function parseJsonLine(text: string, line: number, where: string): TransferRecord {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw bad(where, `not a JSON object (${(e as Error).message})`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw bad(where, 'each line must be one JSON object {"key","value","lease"}');
  const r = o as Record<string, unknown>;
  let key: Buffer;
  if (typeof r.key === 'string') key = Buffer.from(r.key, 'utf8');
  else if (r.key_base64 !== undefined) key = base64Field(where, 'key_base64', r.key_base64);
  else throw bad(where, 'missing "key" (or "key_base64")');
  if (!key.length) throw bad(where, 'the key is empty');
  if (r.value === undefined) throw bad(where, 'missing "value" (base64)');
  return { key, value: base64Field(where, 'value', r.value), lease: leaseOf(where, r.lease, r.ttl), line };
}

// --- the YAML variant ---

export const YAML_HEADER = '# etcd Studio export (YAML). One document per key; import with etcd-studio import or "Import Keys…".\n';

/** The YAML document of one key, and whether it holds a decoded Kubernetes object. */
export function yamlDocument(r: Omit<TransferRecord, 'line'>): { text: string; decoded: boolean } {
  const head = [`# key: ${keyToText(r.key)}`];
  if (r.lease) head.push(`# lease: ${r.lease.id} ttl ${r.lease.ttl}`);
  const d = decodeValue(r.value, { key: keyToText(r.key) });
  const object = 'object' in d && d.object && !d.error ? d.object : undefined;
  if (!object) {
    head.push(`# format: ${d.format}`, `# value-base64: ${r.value.toString('base64')}`);
    return { text: `---\n${head.join('\n')}\n`, decoded: false };
  }
  head.push(`# format: ${d.format}`);
  return { text: `---\n${head.join('\n')}\n${toYaml(object)}`, decoded: true };
}

const STORED_AS: Record<string, 'pb' | 'json' | 'cbor'> = { 'k8s-protobuf': 'pb', json: 'json', cbor: 'cbor' };

/** Parses one YAML document (the lines between `---` separators). */
export function parseYamlDocument(lines: string[], line: number, where: string): TransferRecord | undefined {
  const meta = new Map<string, string>();
  const body: string[] = [];
  for (const l of lines) {
    const m = /^# (key|lease|format|value-base64): (.*)$/.exec(l);
    if (m && !body.length) meta.set(m[1], m[2]);
    else if (body.length || (l.trim() && !l.startsWith('#'))) body.push(l);
  }
  if (!meta.size && !body.length) return undefined;
  const keyText = meta.get('key');
  if (keyText === undefined) throw bad(where, 'a document without a "# key: …" line');
  const key = keyFromText(keyText);
  const leaseText = meta.get('lease');
  let lease: TransferRecord['lease'];
  if (leaseText) {
    const m = /^([0-9a-f]{1,16}) ttl (-?\d+)$/i.exec(leaseText);
    if (!m) throw bad(where, `"# lease:" must read "ID ttl SECONDS", got "${leaseText}"`);
    lease = { id: m[1].toLowerCase(), ttl: Number(m[2]) };
  }
  const b64 = meta.get('value-base64');
  if (b64 !== undefined) return { key, value: base64Field(where, 'value-base64', b64), lease, line };
  const format = meta.get('format') ?? 'k8s-protobuf';
  const to = STORED_AS[format];
  if (!to) throw bad(where, `unknown "# format: ${format}" (expected k8s-protobuf, json or cbor)`);
  try {
    return { key, value: Buffer.from(encodeText(body.join('\n'), { key: keyText, to })), lease, line };
  } catch (e) {
    throw bad(where, `the object of ${keyText} cannot be encoded: ${(e as Error).message}`);
  }
}
