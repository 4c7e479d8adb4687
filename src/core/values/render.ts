/**
 * What the editor shows for a stored value, and whether saving it is safe: Kubernetes objects
 * (protobuf, JSON, CBOR) as YAML, text as text, anything else as a read-only hex dump. Values encrypted
 * at rest are shown decrypted (read-only) when the caller passes a decryptor.
 */
import { errorMessage } from '../errors';
import { decodeValue, Decoded, encodeValue, toYaml } from '../k8s/codec';

export type ValueView = 'yaml' | 'text' | 'hex';

export interface RenderedValue {
  view: ValueView;
  text: string;
  decoded: Decoded;
  /** Set when saving is refused; says why. */
  readOnlyReason?: string;
  /** One line for the status/tooltip: "Kubernetes protobuf · v1 Pod". */
  summary: string;
  /** For an encrypted value shown decrypted: the decoded plaintext (`decoded` stays the stored, encrypted value). */
  decrypted?: Decoded;
}

export interface RenderOptions {
  /**
   * Turns an encrypted value (`k8s:enc:...`) stored under `key` into its plaintext, or throws; e.g.
   * decryptorOf(profile) from ./decryptor.
   */
  decrypt?: (bytes: Uint8Array, key: string) => Uint8Array;
}

/** `hexdump -C` style: offset, 16 bytes, printable ASCII. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, '0'));
  return lines.join('\n') + '\n';
}

/** "v1 Secret" for a decoded object, if it names its type. */
function typeOf(d: Decoded): string | undefined {
  if (d.format === 'k8s-protobuf') return d.apiVersion ? `${d.apiVersion} ${d.kind}` : undefined;
  if ((d.format === 'json' || d.format === 'cbor') && d.object?.kind) return `${d.object.apiVersion} ${d.object.kind}`;
  return undefined;
}

function summaryOf(d: Decoded): string {
  switch (d.format) {
    case 'k8s-protobuf':
      return `Kubernetes protobuf${d.apiVersion ? ` · ${d.apiVersion} ${d.kind}` : ''}`;
    case 'json':
      return `JSON${d.object?.kind ? ` · ${d.object.apiVersion} ${d.object.kind}` : ''}`;
    case 'cbor':
      return `CBOR${d.object?.kind ? ` · ${d.object.apiVersion} ${d.object.kind}` : ''}`;
    case 'encrypted':
      return `encrypted (${d.encryption.provider}, key ${d.encryption.keyName})`;
    case 'text':
      return 'text';
    case 'binary':
      return 'binary';
  }
}

/**
 * Renders a value for the editor. `prefer: 'hex'` forces the hex dump. Objects are read-only when
 * re-encoding the shown YAML would not give back the stored bytes exactly (never risk a lossy save).
 * Encrypted values are decrypted with `opts.decrypt` when given, and are always read-only.
 */
export function renderValue(bytes: Uint8Array, key: string, prefer?: ValueView, opts: RenderOptions = {}): RenderedValue {
  const decoded = decodeValue(bytes, { key });
  const summary = summaryOf(decoded);
  const hex = (reason: string): RenderedValue => ({ view: 'hex', text: hexDump(bytes), decoded, readOnlyReason: reason, summary });
  if (prefer === 'hex') return hex('The hex view is read-only.');
  if (decoded.format === 'encrypted') {
    const e = decoded.encryption;
    const what = `The value is encrypted at rest by kube-apiserver (provider ${e.provider}, key "${e.keyName}")`;
    if (!opts.decrypt) return hex(`${what}; it cannot be edited here.`);
    let plain: Uint8Array;
    try {
      plain = opts.decrypt(bytes, key);
    } catch (err) {
      return hex(`${what} and could not be decrypted: ${errorMessage(err)}`);
    }
    const inner = decodeValue(plain, { key });
    const type = typeOf(inner);
    const decSummary = `${summary}${type ? ` · ${type}` : ''}`;
    const reason = `Decrypted for viewing with key ${e.keyName} (${e.provider}); encrypted values are read-only.`;
    if (!inner.error && 'object' in inner && inner.object) {
      return { view: 'yaml', text: toYaml(inner.object), decoded, decrypted: inner, readOnlyReason: reason, summary: decSummary };
    }
    return {
      view: 'hex',
      text: hexDump(bytes),
      decoded,
      decrypted: inner,
      summary: decSummary,
      readOnlyReason: `${what}; it was decrypted with key ${e.keyName}, but the plaintext is not a readable object: ${inner.error ?? `the value is ${inner.format}`}`,
    };
  }
  if (decoded.error) return hex(`The value could not be decoded: ${decoded.error}`);
  if (decoded.format === 'binary') return hex('Binary values are shown read-only.');
  if (decoded.format === 'text') return { view: 'text', text: decoded.text, decoded, summary };
  const text = toYaml(decoded.object);
  let readOnlyReason: string | undefined;
  try {
    const again = encodeValue(decoded, text, { key });
    if (Buffer.compare(Buffer.from(again), Buffer.from(bytes)) !== 0)
      readOnlyReason = 'Re-encoding this value would not reproduce the stored bytes exactly, so saving is disabled to avoid corrupting it.';
  } catch (e) {
    readOnlyReason = `This value cannot be saved back safely: ${errorMessage(e)}`;
  }
  return { view: 'yaml', text, decoded, readOnlyReason, summary };
}

/** Bytes to store for edited text; throws K8sEditError (path + line) when the edit is invalid. */
export function encodeEdit(rendered: RenderedValue, text: string, key: string): Uint8Array {
  return encodeValue(rendered.decoded, text, { key });
}
