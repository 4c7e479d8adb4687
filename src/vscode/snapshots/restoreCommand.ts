import path from 'node:path';
import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { Logger } from '../../core/log';
import {
  planRestoreIntoCluster,
  RESTORE_DEFAULTS,
  restoreIntoCluster,
  restoreToDataDir,
  RestoreToDataDirOptions,
} from '../../core/snapshot';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { withCancellableProgress } from '../platform/progress';
import { SnapshotNode } from './snapshotNode';
import { SnapshotStore } from './snapshotStore';

export type RestoreArg =
  | ({ mode: 'dataDir' } & Partial<RestoreToDataDirOptions> & { dataDir: string })
  | { mode: 'cluster'; connection: string; prefix?: string; dryRun?: boolean; confirmed?: boolean };

async function ask(title: string, prompt: string, value: string): Promise<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true });
}

/**
 * "Restore Snapshot…": into a new data directory (runs etcdutl/etcdctl snapshot restore with an
 * argument list, refuses a non-empty target, shows output and next steps) or into a running
 * development cluster (dry run with counts first, then transaction batches).
 */
export function registerRestoreCommand(
  ctx: vscode.ExtensionContext,
  log: Logger,
  store: ConnectionStore,
  sessions: Sessions,
  snapshots: SnapshotStore,
  output: vscode.OutputChannel,
): void {
  registerCommand(ctx, log, CommandIds.snapshotRestore, async (arg?: SnapshotNode | string, opts?: RestoreArg) => {
    const file =
      arg instanceof SnapshotNode
        ? arg.opened.file
        : (arg ?? (await vscode.window.showOpenDialog({ title: 'Restore which snapshot?' }))?.[0]?.fsPath);
    if (!file) return undefined;
    const title = `Restore ${path.basename(file)}`;
    const mode =
      opts?.mode ??
      (
        await vscode.window.showQuickPick(
          [
            {
              label: 'Into a new data directory',
              description: 'etcdutl / etcdctl snapshot restore, then start etcd on it',
              mode: 'dataDir' as const,
            },
            {
              label: 'Into a running development cluster',
              description: "write the snapshot's keys in transactions (nothing is deleted)",
              mode: 'cluster' as const,
            },
          ],
          { title },
        )
      )?.mode;
    if (!mode) return undefined;

    if (mode === 'dataDir') {
      const o = opts?.mode === 'dataDir' ? opts : undefined;
      const dataDir =
        o?.dataDir ?? (await ask(title, 'New, empty data directory', path.join(path.dirname(file), `${RESTORE_DEFAULTS.name}.etcd`)));
      if (!dataDir) return undefined;
      const name = o?.name ?? (await ask(title, 'Member name (--name)', RESTORE_DEFAULTS.name));
      const initialAdvertisePeerUrls =
        o?.initialAdvertisePeerUrls ??
        (name
          ? await ask(title, 'Peer URLs of this member (--initial-advertise-peer-urls)', RESTORE_DEFAULTS.initialAdvertisePeerUrls)
          : undefined);
      const initialCluster =
        o?.initialCluster ??
        (initialAdvertisePeerUrls
          ? await ask(title, 'Initial cluster (--initial-cluster)', `${name}=${initialAdvertisePeerUrls}`)
          : undefined);
      const initialClusterToken =
        o?.initialClusterToken ??
        (initialCluster
          ? await ask(title, 'Cluster token (--initial-cluster-token): use a new one', `${RESTORE_DEFAULTS.initialClusterToken}-restored`)
          : undefined);
      if (!name || !initialAdvertisePeerUrls || !initialCluster || !initialClusterToken) return undefined;
      output.show(true);
      output.appendLine(`# restoring ${file} into ${dataDir}`);
      const r = await withCancellableProgress(title, (signal) =>
        restoreToDataDir(
          { file, dataDir, name, initialCluster, initialClusterToken, initialAdvertisePeerUrls, skipHashCheck: o?.skipHashCheck },
          { signal, onOutput: (t) => output.append(t) },
        ),
      );
      output.appendLine(`\n# ${r.tool.kind} ${r.args.join(' ')}\n\n${r.nextSteps}`);
      if (!opts)
        void vscode.window.showInformationMessage(`Restored into ${dataDir}. The next steps are in the "etcd Studio: Restore" output.`);
      return { dataDir, startArgs: r.startArgs, nextSteps: r.nextSteps, tool: r.tool.kind, toolVersion: r.tool.version };
    }

    const o = opts?.mode === 'cluster' ? opts : undefined;
    const connection =
      o?.connection ??
      (await vscode.window.showQuickPick(
        store
          .list()
          .filter((p) => !p.readOnly)
          .map((p) => p.name),
        { title: `${title} into which cluster?` },
      ));
    if (!connection) return undefined;
    const conn = await sessions.get(connection);
    conn.assertWritable('restoring a snapshot into it');
    const opened = snapshots.get(file) ?? (await snapshots.open(file));
    const prefix = o?.prefix !== undefined ? Buffer.from(o.prefix) : undefined;
    const plan = await planRestoreIntoCluster(conn, opened.snap, { prefix });
    const summary = `${plan.create} keys would be created, ${plan.overwrite} overwritten, ${plan.unchanged} left alone (unchanged); ${plan.onlyInCluster} keys exist only in "${connection}" and are not deleted.`;
    if (o?.dryRun) return plan;
    if (!o?.confirmed) {
      const ok = await vscode.window.showWarningMessage(
        `Write ${plan.create + plan.overwrite} keys from ${path.basename(file)} into "${connection}"?`,
        { modal: true, detail: `${summary}\n${plan.notes.join('\n')}` },
        'Restore keys',
      );
      if (ok !== 'Restore keys') return undefined;
    }
    const r = await withCancellableProgress(`${title} into ${connection}`, (signal, report) =>
      restoreIntoCluster(conn, opened.snap, { prefix, signal, onProgress: (done, total) => report(`${done} / ${total} keys`) }),
    );
    if (!o)
      void vscode.window.showInformationMessage(
        `Restored into "${connection}": ${r.created} created, ${r.overwritten} overwritten, ${r.unchanged} unchanged (${r.txns} transactions).`,
      );
    return r;
  });
}
