/**
 * Validates the YAML of `etcd:` documents (Kubernetes objects decoded from etcd) as the user types,
 * with the same checks a save runs: the codec re-encodes the edit against the ORIGINAL stored value.
 * The original matters: it carries the fields this schema does not know, which the save keeps (so
 * they are not errors), and the identity (apiVersion, kind, namespace) an edit must not change. The
 * server gets the stored bytes from the client (which owns the connection) once per document and
 * again after a save.
 */
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { errorMessage, K8sEditError } from '../core/errors';
import { decodeValue, encodeValue, type Decoded } from '../core/k8s/codec';
import { ETCD_DOCUMENT_SCHEME, StoredValueResult } from '../protocol/scriptProtocol';

export type StoredValueFetcher = (uri: string) => Promise<StoredValueResult>;

interface Original {
  decoded?: Decoded;
  key: string;
  /** Why this document is not validated (not an object, or the value could not be read). */
  skip?: string;
}

/** The query of an etcd: URI (VS Code percent-encodes `=` and `&` in it). */
function queryOf(uri: string): URLSearchParams {
  const q = uri.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : decodeURIComponent(uri.slice(q + 1).split('#')[0]));
}

/** Editable decoded YAML of a current value: `etcd:` scheme, yaml view, not a past revision. */
export function isEditableEtcdYaml(doc: { uri: string; languageId: string }): boolean {
  if (!doc.uri.startsWith(`${ETCD_DOCUMENT_SCHEME}:`) || doc.languageId !== 'yaml') return false;
  const q = queryOf(doc.uri);
  return q.get('view') === 'yaml' && !q.get('rev') && /^([0-9a-f]{2})+$/.test(q.get('key') ?? '');
}

export class EtcdYamlValidator {
  private readonly originals = new Map<string, Promise<Original>>();

  constructor(private readonly fetchStored: StoredValueFetcher) {}

  /** Forget the stored value (after a save the new value is the baseline). */
  forget(uri: string): void {
    this.originals.delete(uri);
  }

  private original(uri: string): Promise<Original> {
    let pending = this.originals.get(uri);
    if (!pending) {
      pending = this.fetchStored(uri).then(
        (r): Original => {
          if ('error' in r) return { key: '', skip: r.error };
          const decoded = decodeValue(Buffer.from(r.valueBase64, 'base64'), { key: r.key });
          const editable = (decoded.format === 'k8s-protobuf' || decoded.format === 'json' || decoded.format === 'cbor') && !decoded.error;
          return editable ? { decoded, key: r.key } : { key: r.key, skip: `a ${decoded.format} value is not validated` };
        },
        (e): Original => ({ key: '', skip: errorMessage(e) }),
      );
      this.originals.set(uri, pending);
      // A failed read is retried on the next change.
      void pending.then((o) => {
        if (o.skip && !o.decoded && !o.key) this.originals.delete(uri);
      });
    }
    return pending;
  }

  async validate(doc: TextDocument): Promise<Diagnostic[]> {
    if (!isEditableEtcdYaml(doc)) return [];
    const orig = await this.original(doc.uri);
    if (!orig.decoded) return [];
    const text = doc.getText();
    try {
      encodeValue(orig.decoded, text, { key: orig.key });
      return [];
    } catch (e) {
      if (!(e instanceof K8sEditError)) return [diagnostic(doc, 1, `Cannot be saved: ${errorMessage(e)}`)];
      return e.issues.map((i) => diagnostic(doc, i.line ?? 1, i.path && i.path !== '(root)' ? `${i.path}: ${i.message}` : i.message));
    }
  }
}

function diagnostic(doc: TextDocument, line1: number, message: string): Diagnostic {
  const line = Math.max(0, Math.min(line1 - 1, doc.lineCount - 1));
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const start = text.length - text.trimStart().length;
  return {
    range: { start: { line, character: start }, end: { line, character: Math.max(text.length, start) } },
    severity: DiagnosticSeverity.Error,
    source: 'etcd Studio',
    message: `${message} (saving would be refused)`,
  };
}
