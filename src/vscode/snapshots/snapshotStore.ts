import path from 'node:path';
import * as vscode from 'vscode';
import type { EtcdSnapshot, SnapshotStatus } from '../../core/snapshot';

export interface OpenedSnapshot {
  file: string;
  snap: EtcdSnapshot;
  status: SnapshotStatus;
}

/** Snapshot files opened for browsing; their key index stays in memory until closed. */
export class SnapshotStore implements vscode.Disposable {
  private readonly opened = new Map<string, OpenedSnapshot>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  list(): OpenedSnapshot[] {
    return [...this.opened.values()];
  }

  get(file: string): OpenedSnapshot | undefined {
    return this.opened.get(path.resolve(file));
  }

  /** Opens (indexes) a snapshot file with progress; a second open of the same file reuses it. */
  async open(file: string, signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<OpenedSnapshot> {
    const abs = path.resolve(file);
    const existing = this.opened.get(abs);
    if (existing) return existing;
    // The snapshot reader loads with the first snapshot opened, not at activation.
    const { openSnapshot, snapshotStatus } = await import('../../core/snapshot');
    const snap = await openSnapshot(abs, { signal, onProgress: (b, t) => onProgress?.(b / 2, t) });
    let status: SnapshotStatus;
    try {
      // The index already counted the live keys (etcdutl 3.6+'s "total keys"); status does not count them again.
      status = await snapshotStatus(abs, { signal, liveKeyCount: snap.keyCount, onProgress: (b, t) => onProgress?.(t / 2 + b / 2, t) });
    } catch (e) {
      snap.close();
      throw e;
    }
    const entry = { file: abs, snap, status };
    this.opened.set(abs, entry);
    this.emitter.fire();
    return entry;
  }

  close(file: string): void {
    const abs = path.resolve(file);
    this.opened.get(abs)?.snap.close();
    this.opened.delete(abs);
    this.emitter.fire();
  }

  dispose(): void {
    for (const s of this.opened.values()) s.snap.close();
    this.opened.clear();
    this.emitter.dispose();
  }
}
