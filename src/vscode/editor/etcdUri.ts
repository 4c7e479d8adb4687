import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { keyToText } from '../../core/keytree/keyText';
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

export function fromEtcdUri(uri: vscode.Uri): EtcdLocation {
  if (uri.scheme !== ETCD_SCHEME) throw new EtcdStudioError('InvalidArgument', `Not an etcd: URI: ${uri.toString()}`);
  const q = new URLSearchParams(uri.query);
  const hex = q.get('key');
  if (hex === null || !/^([0-9a-f]{2})*$/.test(hex))
    throw new EtcdStudioError('InvalidArgument', `The etcd: URI ${uri.toString()} has no valid key.`);
  const view = q.get('view');
  const rev = q.get('rev');
  return {
    connection: decodeURIComponent(uri.authority),
    key: Buffer.from(hex, 'hex'),
    ...(view === 'yaml' || view === 'text' || view === 'hex' ? { view } : {}),
    ...(rev ? { revision: Number(rev) } : {}),
  };
}
