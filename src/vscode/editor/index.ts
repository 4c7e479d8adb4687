/**
 * The `etcd:` documents: a FileSystemProvider whose files are keys (decoded for editing, saved with a
 * compare-and-swap), and the Compare / Overwrite offer when a save lost to another writer.
 */
import * as vscode from 'vscode';
import { Services } from '../services';
import { handleConflicts } from './conflicts';
import { EtcdFileSystemProvider } from './etcdFileSystemProvider';
import { ETCD_SCHEME } from './etcdUri';

export function register(s: Services): void {
  const fs = new EtcdFileSystemProvider(s.connect, s.logger('fs'));
  s.ctx.subscriptions.push(vscode.workspace.registerFileSystemProvider(ETCD_SCHEME, fs, { isCaseSensitive: true }));
  handleConflicts(s.ctx, fs);
}
