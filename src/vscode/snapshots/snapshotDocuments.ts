import path from 'node:path';
import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { keyToText } from '../../core/keytree/keyText';
import { getSnapshotKey } from '../../core/snapshot';
import { renderValue } from '../../core/values/render';
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
    const v = getSnapshotKey(opened.snap, key);
    if (!v) throw new EtcdStudioError('NotFound', `No key ${keyToText(key)} in snapshot ${file}.`);
    return renderValue(v.value, key.toString('utf8'), uri.path.endsWith('.hex') ? 'hex' : undefined).text;
  }
}

/** The view a value renders in (decides the URI's suffix so VS Code picks the language). */
export function snapshotView(store: SnapshotStore, file: string, key: Buffer): string {
  const opened = store.get(file);
  const v = opened && getSnapshotKey(opened.snap, key);
  return v ? renderValue(v.value, key.toString('utf8')).view : 'text';
}
