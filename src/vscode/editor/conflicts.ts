import * as vscode from 'vscode';
import type { StoredValue } from '../../core/etcd/kv';
import type { EtcdFileSystemProvider } from './etcdFileSystemProvider';
import { fromEtcdUri, toEtcdUri } from './etcdUri';

/**
 * After a save lost its compare-and-swap: nothing was written and the edit is still in the editor.
 * Offer "Compare" (their current value vs. the edit) and "Overwrite" (save again on top of theirs).
 */
export function handleConflicts(ctx: vscode.ExtensionContext, fs: EtcdFileSystemProvider): void {
  ctx.subscriptions.push(
    fs.onDidConflict(async ({ uri, current }: { uri: vscode.Uri; current: StoredValue | undefined }) => {
      const loc = fromEtcdUri(uri);
      const what = current ? `was changed by someone else (now revision ${current.modRevision})` : 'was deleted by someone else';
      const actions = current ? ['Compare', 'Overwrite'] : [];
      const choice = await vscode.window.showWarningMessage(
        `${uri.path} ${what}. Your edit was not saved and is still in the editor.`,
        ...actions,
      );
      if (choice === 'Compare' && current) {
        const theirs = toEtcdUri({ ...loc, revision: current.modRevision });
        await vscode.commands.executeCommand('vscode.diff', theirs, uri, `${uri.path}: theirs (rev ${current.modRevision}) ↔ yours`);
      } else if (choice === 'Overwrite') {
        await fs.acceptCurrentRevision(uri);
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        await doc?.save();
      }
    }),
  );
}
