/**
 * Snapshots: save (streamed, verified), status, open a file as a read-only keyspace in the tree,
 * compare a key with a live cluster, and restore (to a data directory or into a running cluster).
 * The commands' code (snapshotCommands.ts, restoreCommand.ts) and the snapshot reader load on first use.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { Services } from '../services';
import { SNAPSHOT_SCHEME, SnapshotDocumentProvider } from './snapshotDocuments';

export function register(s: Services): void {
  s.ctx.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, new SnapshotDocumentProvider(s.snapshots)),
  );
  s.deferCommands(
    [
      CommandIds.snapshotSave,
      CommandIds.snapshotStatus,
      CommandIds.openSnapshot,
      CommandIds.closeSnapshot,
      CommandIds.openSnapshotKey,
      CommandIds.compareSnapshotKeyWithLive,
    ],
    async () => (await import('./snapshotCommands')).registerSnapshotCommands,
  );
  s.deferCommands([CommandIds.snapshotRestore], async () => (await import('./restoreCommand')).registerRestoreCommand);
}
