import { EtcdConnection } from '../core/etcd/connection';
import { sampleKeyspace, writeEntries } from '../core/demo/sampleKeyspace';
import { ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo } from './io';

/** `etcd-studio seed-sample`: writes the demo's Kubernetes-shaped keyspace into a (test) cluster. */
export async function runSeedSample(args: ParsedArgs, io: CliIo): Promise<number> {
  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  try {
    const n = await writeEntries(conn, sampleKeyspace());
    io.stdout.write(`wrote ${n} keys under /registry/\n`);
    return 0;
  } finally {
    conn.close();
  }
}
