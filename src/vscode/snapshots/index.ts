/**
 * Snapshots: save (streamed, verified), status, open a file as a read-only keyspace in the tree,
 * compare a key with a live cluster, and restore (to a data directory or into a running cluster).
 */
import * as vscode from 'vscode';
import { Services } from '../services';
import { registerRestoreCommand } from './restoreCommand';
import { registerSnapshotCommands } from './snapshotCommands';
import { SNAPSHOT_SCHEME, SnapshotDocumentProvider } from './snapshotDocuments';

export function register(s: Services): void {
  s.ctx.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, new SnapshotDocumentProvider(s.snapshots)),
  );
  registerSnapshotCommands(s);
  registerRestoreCommand(s);
}
