import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { getKey } from '../../core/etcd/kv';
import { listMembers } from '../../core/etcd/members';
import { Sessions } from '../../core/etcd/sessions';
import { EtcdStudioError } from '../../core/errors';
import { humanBytes } from '../../core/format';
import { keyFromText } from '../../core/keytree/keyText';
import { Logger } from '../../core/log';
import { saveSnapshot, snapshotStatus, totalKeyMeaning } from '../../core/snapshot';
import { renderForProfile } from '../../core/values/decryptor';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { toEtcdUri } from '../fs/etcdUri';
import { withCancellableProgress } from '../platform/progress';
import { ConnectionNode } from '../tree/connectionNode';
import { KeyNode } from '../tree/keyNodes';
import { SnapshotNode } from './snapshotNode';
import { snapshotKeyUri, snapshotView } from './snapshotDocuments';
import { SnapshotStore } from './snapshotStore';

async function pickSnapshotFile(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: { 'etcd snapshot or db': ['db', 'snapshot', 'snap', '*'] },
  });
  return picked?.[0]?.fsPath;
}

export function registerSnapshotCommands(
  ctx: vscode.ExtensionContext,
  log: Logger,
  store: ConnectionStore,
  sessions: Sessions,
  snapshots: SnapshotStore,
): void {
  registerCommand(ctx, log, CommandIds.snapshotSave, async (arg?: ConnectionNode | string, fileArg?: string, endpointArg?: string) => {
    const name =
      arg instanceof ConnectionNode
        ? arg.profile.name
        : (arg ??
          (await vscode.window.showQuickPick(
            store.list().map((p) => p.name),
            { title: 'Save a snapshot of which cluster?' },
          )));
    if (!name) return undefined;
    const conn = await sessions.get(name);
    const members = await listMembers(conn);
    const endpoint =
      endpointArg ??
      (members.length === 1
        ? members[0].clientUrls[0]
        : (
            await vscode.window.showQuickPick(
              members.filter((m) => m.clientUrls[0]).map((m) => ({ label: m.name, description: m.clientUrls[0], url: m.clientUrls[0] })),
              { title: 'Stream the snapshot from which member?' },
            )
          )?.url);
    if (!endpoint) return undefined;
    const stamp = new Date()
      .toISOString()
      .replace(/[:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const file =
      fileArg ??
      (
        await vscode.window.showSaveDialog({
          title: 'Save etcd snapshot',
          defaultUri: vscode.Uri.file(
            path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), `${name}-${stamp}.db`),
          ),
        })
      )?.fsPath;
    if (!file) return undefined;
    if (existsSync(file) && !fileArg) {
      const ok = await vscode.window.showWarningMessage(`${file} exists. Replace it?`, { modal: true }, 'Replace');
      if (ok !== 'Replace') return undefined;
    }
    const member = await EtcdConnection.open({ ...conn.profile, endpoints: [endpoint] }, conn.connectOptions);
    try {
      const started = Date.now();
      const r = await withCancellableProgress(`Saving snapshot of ${name} from ${endpoint}`, (signal, report) =>
        saveSnapshot(member, file, {
          signal,
          onProgress: (bytes) => report(`${humanBytes(bytes)} · ${humanBytes(bytes / Math.max(0.001, (Date.now() - started) / 1000))}/s`),
        }),
      );
      const status = await snapshotStatus(file);
      log.info(`snapshot ${file}: ${r.bytes} bytes, sha256 ${r.sha256}, revision ${status.revision}`);
      if (!fileArg) {
        void vscode.window
          .showInformationMessage(
            `Snapshot saved and verified: ${path.basename(file)} — ${humanBytes(r.bytes)}, revision ${status.revision}, ${status.totalKey} keys, hash ${status.hash.toString(16)}.`,
            'Open in Tree',
          )
          .then((c) => c && vscode.commands.executeCommand(CommandIds.openSnapshot, file));
      }
      return { file, ...status };
    } finally {
      member.close();
    }
  });

  registerCommand(ctx, log, CommandIds.snapshotStatus, async (fileArg?: string) => {
    const file = fileArg ?? (await pickSnapshotFile('Snapshot status'));
    if (!file) return undefined;
    const s = await withCancellableProgress(`Reading ${path.basename(file)}`, (signal, report) =>
      snapshotStatus(file, { signal, onProgress: (b, t) => report(`${Math.round((b / Math.max(1, t)) * 100)}%`) }),
    );
    if (!fileArg)
      void vscode.window.showInformationMessage(
        `${path.basename(file)}: hash ${s.hash.toString(16)}, revision ${s.revision}, total keys ${s.totalKey} (${totalKeyMeaning(s)}), total size ${humanBytes(s.totalSize)}${s.version ? `, storage version ${s.version}` : ''}.`,
      );
    return s;
  });

  registerCommand(ctx, log, CommandIds.openSnapshot, async (fileArg?: string) => {
    const file = fileArg ?? (await pickSnapshotFile('Open etcd snapshot (read-only)'));
    if (!file) return undefined;
    const opened = await withCancellableProgress(`Opening ${path.basename(file)}`, (signal, report) =>
      snapshots.open(file, signal, (b, t) => report(`${Math.round((b / Math.max(1, t)) * 100)}%`)),
    );
    await vscode.commands.executeCommand('etcdStudio.clusters.focus');
    return { file: opened.file, revision: opened.status.revision, keys: opened.snap.keyCount };
  });

  registerCommand(ctx, log, CommandIds.closeSnapshot, (arg?: SnapshotNode | string) => {
    const file = arg instanceof SnapshotNode ? arg.opened.file : arg;
    if (file) snapshots.close(file);
  });

  const snapshotTarget = (arg: KeyNode | string | undefined, keyText?: string) => {
    if (arg instanceof KeyNode && arg.ctx.source.kind === 'snapshot') return { file: arg.ctx.source.file, key: arg.key };
    if (typeof arg === 'string' && keyText !== undefined) return { file: path.resolve(arg), key: keyFromText(keyText) };
    return undefined;
  };

  registerCommand(ctx, log, CommandIds.openSnapshotKey, async (arg?: KeyNode | string, keyText?: string) => {
    const t = snapshotTarget(arg, keyText);
    if (!t) return undefined;
    if (!snapshots.get(t.file)) await snapshots.open(t.file);
    const uri = snapshotKeyUri(t.file, t.key, snapshotView(snapshots, t.file, t.key));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.getText();
  });

  registerCommand(
    ctx,
    log,
    CommandIds.compareSnapshotKeyWithLive,
    async (arg?: KeyNode | string, keyText?: string, connectionArg?: string) => {
      const t = snapshotTarget(arg, keyText);
      if (!t) return undefined;
      const connection =
        connectionArg ??
        (await vscode.window.showQuickPick(
          store.list().map((p) => p.name),
          { title: 'Compare with which live cluster?' },
        ));
      if (!connection) return undefined;
      if (!snapshots.get(t.file)) await snapshots.open(t.file);
      const conn = await sessions.get(connection);
      const live = await getKey(conn, t.key);
      if (!live) throw new EtcdStudioError('NotFound', `The key does not exist in "${connection}" now (it was in the snapshot).`);
      const left = snapshotKeyUri(t.file, t.key, snapshotView(snapshots, t.file, t.key));
      const right = toEtcdUri({ connection, key: t.key, view: renderForProfile(conn.profile, live.value, t.key).view });
      await vscode.commands.executeCommand(
        'vscode.diff',
        left,
        right,
        `${path.basename(t.file)} ↔ ${connection}: ${keyText ?? t.key.toString('utf8')}`,
      );
    },
  );
}
