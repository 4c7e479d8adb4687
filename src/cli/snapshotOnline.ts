/** `snapshot save` and `snapshot restore --into-cluster`: the snapshot commands that talk to a cluster. */
import { EtcdConnection } from '../core/etcd/connection';
import { EtcdStudioError } from '../core/errors';
import { keyFromText, keyToText } from '../core/keytree/keyText';
import { planRestoreIntoCluster, restoreIntoCluster } from '../core/snapshot/restoreCluster';
import { saveSnapshot } from '../core/snapshot/save';
import { openSnapshot } from '../core/snapshot/snapshot';
import { snapshotStatus } from '../core/snapshot/status';
import { ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo, interruptSignal } from './io';

export async function saveSnapshotFile(file: string, args: ParsedArgs, io: CliIo): Promise<number> {
  const { profile, password } = profileFromArgs(args, io.env);
  // Like etcdctl: a snapshot is one member's state, so the member must be named.
  if (profile.endpoints.length !== 1) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `snapshot must be requested to one selected node, not multiple ${profile.endpoints.join(',')}: pass one --endpoints URL.`,
    );
  }
  // Ctrl-C or SIGTERM cancel the save, which removes FILE.part.
  const interrupt = interruptSignal();
  try {
    const conn = await EtcdConnection.open(profile, { password });
    try {
      await saveSnapshot(conn, file, { signal: interrupt.signal });
    } finally {
      conn.close();
    }
  } finally {
    interrupt.dispose();
  }
  io.stdout.write(`Snapshot saved at ${file}\n`);
  // etcdctl 3.6+ names the storage version etcd sent with the stream, which is the one in the file.
  const { version } = await snapshotStatus(file);
  if (version) io.stdout.write(`Server version ${version}\n`);
  return 0;
}

export async function restoreSnapshotIntoCluster(
  file: string,
  args: ParsedArgs,
  switches: Set<string>,
  prefix: string | undefined,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const { profile, password } = profileFromArgs(args, io.env);
  const p = prefix === undefined ? undefined : keyFromText(prefix);
  const snap = await openSnapshot(file, { signal });
  try {
    const conn = await EtcdConnection.open(profile, { password });
    try {
      if (!switches.has('dry-run')) conn.assertWritable('restoring a snapshot into the cluster');
      const plan = await planRestoreIntoCluster(conn, snap, { prefix: p, signal });
      const where = p ? `under ${keyToText(p)}` : 'in the snapshot';
      io.stdout.write(
        `${plan.total} key(s) ${where} (revision ${plan.snapshotRevision}) against ${profile.endpoints.join(',')} (revision ${plan.clusterRevision}):\n` +
          `  create ${plan.create}, overwrite ${plan.overwrite}, unchanged ${plan.unchanged}\n${plan.notes.map((n) => `  ${n}\n`).join('')}`,
      );
      if (switches.has('dry-run')) return 0;
      const r = await restoreIntoCluster(conn, snap, { prefix: p, signal });
      io.stdout.write(
        `Restored: created ${r.created}, overwrote ${r.overwritten}, left ${r.unchanged} unchanged, in ${r.txns} txn(s); cluster revision ${r.revision}.\n`,
      );
      return 0;
    } finally {
      conn.close();
    }
  } finally {
    snap.close();
  }
}
