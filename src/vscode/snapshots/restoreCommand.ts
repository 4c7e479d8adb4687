import path from 'node:path';
import * as vscode from 'vscode';
import {
  planRestoreIntoCluster,
  RESTORE_DEFAULTS,
  restoreIntoCluster,
  restoreToDataDir,
  RestoreToDataDirOptions,
} from '../../core/snapshot';
import { CommandIds } from '../commands/ids';
import { snapshotFileOf, TargetArg } from '../commands/targets';
import { pickOne } from '../platform/pick';
import { withCancellableProgress } from '../platform/progress';
import { Services } from '../services';

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
export function registerRestoreCommand(s: Services): void {
  const { store, snapshots } = s;
  const output = vscode.window.createOutputChannel('etcd Studio: Restore');
  s.ctx.subscriptions.push(output);
  s.command(CommandIds.snapshotRestore, async (arg?: TargetArg | string, opts?: RestoreArg) => {
    const file = await snapshotFileOf(arg, 'Restore which snapshot?');
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
      (
        await pickOne(
          store
            .list()
            .filter((p) => !p.readOnly)
            .map((p) => ({ label: p.name })),
          {
            title: `${title} into which cluster?`,
            empty: store.list().length
              ? 'Every connection is read-only: clear "readOnly" on the development cluster to restore into it.'
              : 'There are no etcd connections yet: add the development cluster to restore into.',
            pickSingle: false,
          },
        )
      )?.label;
    if (!connection) return undefined;
    const conn = await s.connect(connection);
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
