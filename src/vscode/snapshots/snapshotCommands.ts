import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { getKey } from '../../core/etcd/kv';
import { listMembers } from '../../core/etcd/members';
import { EtcdStudioError } from '../../core/errors';
import { humanBytes } from '../../core/format';
import { getSnapshotKey, saveSnapshot, snapshotStatus, totalKeyMeaning } from '../../core/snapshot';
import { renderForProfile } from '../../core/values/decryptor';
import { renderValue } from '../../core/values/render';
import { CommandIds } from '../commands/ids';
import { isScripted, snapshotFileOf, targetOf, TargetArg } from '../commands/targets';
import { toEtcdUri } from '../editor/etcdUri';
import { pickOne } from '../platform/pick';
import { withCancellableProgress } from '../platform/progress';
import { Services } from '../services';
import { snapshotKeyUri } from './snapshotDocuments';
import { SnapshotStore } from './snapshotStore';

/** Save, status, open, close and browse snapshots; compare a snapshot's key with a live cluster. */
export function registerSnapshotCommands(s: Services): void {
  const { snapshots, targets } = s;

  s.command(CommandIds.snapshotSave, async (arg?: TargetArg, opts: { file?: string; endpoint?: string } = {}) => {
    const name = await targets.connection(arg, 'Save a snapshot of which cluster?');
    if (!name) return undefined;
    const conn = await s.connect(name);
    const t = targetOf(arg);
    const endpoint =
      opts.endpoint ??
      (t?.kind === 'member' ? t.clientUrl : undefined) ??
      (
        await pickOne(
          (await listMembers(conn))
            .filter((m) => m.clientUrls[0])
            .map((m) => ({ label: m.name, description: m.clientUrls[0], url: m.clientUrls[0] })),
          { title: 'Stream the snapshot from which member?', empty: `No member of "${name}" has a client URL to stream a snapshot from.` },
        )
      )?.url;
    if (!endpoint) return undefined;
    const stamp = new Date()
      .toISOString()
      .replace(/[:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const file =
      opts.file ??
      (
        await vscode.window.showSaveDialog({
          title: 'Save etcd snapshot',
          defaultUri: vscode.Uri.file(
            path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), `${name}-${stamp}.db`),
          ),
        })
      )?.fsPath;
    if (!file) return undefined;
    if (existsSync(file) && !opts.file) {
      const ok = await vscode.window.showWarningMessage(`${file} exists. Replace it?`, { modal: true }, 'Replace');
      if (ok !== 'Replace') return undefined;
    }
    const started = Date.now();
    const r = await conn.withMember(endpoint, (member) =>
      withCancellableProgress(`Saving snapshot of ${name} from ${endpoint}`, (signal, report) =>
        saveSnapshot(member, file, {
          signal,
          onProgress: (bytes) => report(`${humanBytes(bytes)} · ${humanBytes(bytes / Math.max(0.001, (Date.now() - started) / 1000))}/s`),
        }),
      ),
    );
    const status = await snapshotStatus(file);
    s.log.info(`snapshot ${file}: ${r.bytes} bytes, sha256 ${r.sha256}, revision ${status.revision}`);
    if (!opts.file) {
      void vscode.window
        .showInformationMessage(
          `Snapshot saved and verified: ${path.basename(file)} — ${humanBytes(r.bytes)}, revision ${status.revision}, ${status.totalKey} keys, hash ${status.hash.toString(16)}.`,
          'Open in Tree',
        )
        .then((c) => c && vscode.commands.executeCommand(CommandIds.openSnapshot, file));
    }
    return { file, ...status };
  });

  s.command(CommandIds.snapshotStatus, async (arg?: TargetArg | string) => {
    const file = await snapshotFileOf(arg, 'Snapshot status');
    if (!file) return undefined;
    const st = await withCancellableProgress(`Reading ${path.basename(file)}`, (signal, report) =>
      snapshotStatus(file, { signal, onProgress: (b, t) => report(`${Math.round((b / Math.max(1, t)) * 100)}%`) }),
    );
    if (!isScripted(arg))
      void vscode.window.showInformationMessage(
        `${path.basename(file)}: hash ${st.hash.toString(16)}, revision ${st.revision}, total keys ${st.totalKey} (${totalKeyMeaning(st)}), total size ${humanBytes(st.totalSize)}${st.version ? `, storage version ${st.version}` : ''}.`,
      );
    return st;
  });

  s.command(CommandIds.openSnapshot, async (arg?: TargetArg | string) => {
    const file = await snapshotFileOf(arg, 'Open etcd snapshot (read-only)');
    if (!file) return undefined;
    const opened = await withCancellableProgress(`Opening ${path.basename(file)}`, (signal, report) =>
      snapshots.open(file, signal, (b, t) => report(`${Math.round((b / Math.max(1, t)) * 100)}%`)),
    );
    await vscode.commands.executeCommand('etcdStudio.clusters.focus');
    return { file: opened.file, revision: opened.status.revision, keys: opened.snap.keyCount };
  });

  s.command(CommandIds.closeSnapshot, async (arg?: TargetArg | string) => {
    const file =
      typeof arg === 'string'
        ? arg
        : ((targetOf(arg) as { file?: string } | undefined)?.file ??
          (
            await pickOne(
              snapshots.list().map((o) => ({ label: path.basename(o.file), description: o.file, file: o.file })),
              { title: 'Close which snapshot?', empty: 'No snapshot file is open.' },
            )
          )?.file);
    if (file) snapshots.close(file);
  });

  s.command(CommandIds.openSnapshotKey, async (arg?: TargetArg) => {
    const t = targets.snapshotKey(arg, 'Open Snapshot Key');
    if (!snapshots.get(t.file)) await snapshots.open(t.file);
    const uri = snapshotKeyUri(t.file, t.key, snapshotView(snapshots, t.file, t.key));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.getText();
  });

  s.command(CommandIds.compareSnapshotKeyWithLive, async (arg?: TargetArg, opts: { connection?: string } = {}) => {
    const t = targets.snapshotKey(arg, 'Compare with Live Cluster');
    const connection = opts.connection ?? (await targets.connection(undefined, 'Compare with which live cluster?'));
    if (!connection) return undefined;
    if (!snapshots.get(t.file)) await snapshots.open(t.file);
    const conn = await s.connect(connection);
    const live = await getKey(conn, t.key);
    if (!live) throw new EtcdStudioError('NotFound', `The key does not exist in "${connection}" now (it was in the snapshot).`);
    const left = snapshotKeyUri(t.file, t.key, snapshotView(snapshots, t.file, t.key));
    const right = toEtcdUri({ connection, key: t.key, view: renderForProfile(conn.profile, live.value, t.key).view });
    await vscode.commands.executeCommand('vscode.diff', left, right, `${path.basename(t.file)} ↔ ${connection}: ${t.key.toString('utf8')}`);
  });
}

/** The view a value renders in (decides the URI's suffix so VS Code picks the language). */
function snapshotView(store: SnapshotStore, file: string, key: Buffer): string {
  const opened = store.get(file);
  const v = opened && getSnapshotKey(opened.snap, key);
  return v ? renderValue(v.value, key.toString('utf8')).view : 'text';
}
