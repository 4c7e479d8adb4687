import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { ValueView } from '../../core/values/render';

export const ETCD_SCHEME = 'etcd';

/** What an `etcd:` URI names: a connection, exact key bytes, a view, and optionally a past revision. */
export interface EtcdLocation {
  connection: string;
  key: Buffer;
  view?: ValueView;
  /** Read-only view of the value as of this revision. */
  revision?: number;
}

/** Printable path for tab titles (the tree's escaped form); the exact key travels in the query. */
function displayPath(key: Buffer): string {
  const text = keyToText(key);
  return text.startsWith('/') ? text : `/${text}`;
}

/**
 * `etcd://<connection>/<key for display>[.yaml]?key=<hex>&view=yaml|text|hex[&rev=N]`.
 * The `.yaml` suffix only helps VS Code pick the YAML language; the query is authoritative.
 */
export function toEtcdUri(loc: EtcdLocation): vscode.Uri {
  const suffix = loc.view === 'yaml' ? '.yaml' : loc.view === 'hex' ? '.hex' : '';
  const rev = loc.revision ? `@${loc.revision}` : '';
  const query = [
    `key=${loc.key.toString('hex')}`,
    ...(loc.view ? [`view=${loc.view}`] : []),
    ...(loc.revision ? [`rev=${loc.revision}`] : []),
  ].join('&');
  return vscode.Uri.from({
    scheme: ETCD_SCHEME,
    authority: encodeURIComponent(loc.connection),
    path: `${displayPath(loc.key)}${rev}${suffix}`,
    query,
  });
}

/** The location a URI made by toEtcdUri names (exact key bytes in the query, matching its path), else undefined. */
export function keyUriLocation(uri: vscode.Uri): EtcdLocation | undefined {
  if (uri.scheme !== ETCD_SCHEME) throw new EtcdStudioError('InvalidArgument', `Not an etcd: URI: ${uri.toString()}`);
  const q = new URLSearchParams(uri.query);
  const hex = q.get('key');
  if (hex === null) return undefined;
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new EtcdStudioError('InvalidArgument', `The etcd: URI ${uri.toString()} has no valid key.`);
  const view = q.get('view');
  const rev = q.get('rev');
  const loc: EtcdLocation = {
    connection: decodeURIComponent(uri.authority),
    key: Buffer.from(hex, 'hex'),
    ...(view === 'yaml' || view === 'text' || view === 'hex' ? { view } : {}),
    ...(rev ? { revision: Number(rev) } : {}),
  };
  // A parent folder (dirname keeps the query) names its path, not the child's key.
  return toEtcdUri(loc).path === uri.path ? loc : undefined;
}

/**
 * The location an `etcd:` URI names. A URI made by toEtcdUri carries the exact key in its query; a URI made
 * by VS Code from a path (the file picker, breadcrumbs, a parent folder that kept the child's query) names the
 * key its path spells, in the tree's escaped form.
 */
export function fromEtcdUri(uri: vscode.Uri): EtcdLocation {
  return keyUriLocation(uri) ?? { connection: decodeURIComponent(uri.authority), key: keyFromText(uri.path) };
}

/** The prefix a folder URI browses: `etcd://conn/registry/pods` lists `/registry/pods/`; the root lists `/`. */
export function etcdFolderOf(uri: vscode.Uri): { connection: string; prefix: Buffer } {
  if (uri.scheme !== ETCD_SCHEME) throw new EtcdStudioError('InvalidArgument', `Not an etcd: URI: ${uri.toString()}`);
  const path = uri.path.replace(/\/+$/, '');
  return { connection: decodeURIComponent(uri.authority), prefix: keyFromText(`${path}/`) };
}
