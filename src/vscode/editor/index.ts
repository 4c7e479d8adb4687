/**
 * The `etcd:` documents: a FileSystemProvider whose files are keys (decoded for editing, saved with a
 * compare-and-swap), and the Compare / Overwrite offer when a save lost to another writer. The provider's
 * code (and the value codec it needs) loads with the first `etcd:` file VS Code asks for.
 */
import * as vscode from 'vscode';
import { Services } from '../services';
import { handleConflicts } from './conflicts';
import { ETCD_SCHEME } from './etcdUri';
import { LazyFileSystemProvider } from './lazyFileSystemProvider';

export function register(s: Services): void {
  const fs = new LazyFileSystemProvider(async () => {
    const { EtcdFileSystemProvider } = await import('./etcdFileSystemProvider');
    const real = new EtcdFileSystemProvider(s.connect, s.logger('fs'));
    handleConflicts(s.ctx, real);
    return real;
  });
  s.ctx.subscriptions.push(fs, vscode.workspace.registerFileSystemProvider(ETCD_SCHEME, fs, { isCaseSensitive: true }));
}
