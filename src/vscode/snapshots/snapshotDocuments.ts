import path from 'node:path';
import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { keyToText } from '../../core/keytree/keyText';
import { SnapshotStore } from './snapshotStore';

export const SNAPSHOT_SCHEME = 'etcd-snapshot';

/** `etcd-snapshot:/<file name>/<key>.yaml?file=<path>&key=<hex>`: a key's value in a snapshot, decoded, read-only. */
export function snapshotKeyUri(file: string, key: Buffer, view: string): vscode.Uri {
  const shown = keyToText(key);
  return vscode.Uri.from({
    scheme: SNAPSHOT_SCHEME,
    path: `/${path.basename(file)}${shown.startsWith('/') ? '' : '/'}${shown}${view === 'yaml' ? '.yaml' : view === 'hex' ? '.hex' : ''}`,
    query: new URLSearchParams({ file, key: key.toString('hex') }).toString(),
  });
}

export class SnapshotDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly store: SnapshotStore) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const file = q.get('file') ?? '';
    const key = Buffer.from(q.get('key') ?? '', 'hex');
    const opened = this.store.get(file) ?? (await this.store.open(file));
    // The value codec loads with the first value shown, not at activation.
    const [{ getSnapshotKey }, { renderValue }] = await Promise.all([import('../../core/snapshot'), import('../../core/values/render')]);
    const v = getSnapshotKey(opened.snap, key);
    if (!v) throw new EtcdStudioError('NotFound', `No key ${keyToText(key)} in snapshot ${file}.`);
    return renderValue(v.value, key.toString('utf8'), uri.path.endsWith('.hex') ? 'hex' : undefined).text;
  }
}
