import { after, before } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdTestCluster, startEtcd, StartOptions } from './etcd';
import { rawClient } from './rawClient';

/**
 * For the enclosing `describe`: a fresh real etcd, an open connection to it (the code under test) and
 * a raw etcd3 client for setting up and checking data independently; all stopped afterwards.
 * Read `t.etcd` / `t.conn` / `t.raw` inside tests (they are set by the `before` hook).
 */
export function useEtcdConnection(
  name: string,
  opts: StartOptions = {},
): { readonly etcd: EtcdTestCluster; readonly conn: EtcdConnection; readonly raw: Etcd3 } {
  const t = {} as { etcd: EtcdTestCluster; conn: EtcdConnection; raw: Etcd3 };
  before(async () => {
    t.etcd = await startEtcd(opts);
    t.conn = await EtcdConnection.open({ name, endpoints: t.etcd.endpoints, ...t.etcd.tls });
    t.raw = rawClient(t.etcd);
  });
  after(async () => {
    t.raw?.close();
    t.conn?.close();
    await t.etcd?.stop();
  });
  return t;
}
