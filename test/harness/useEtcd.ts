import { after, before } from 'node:test';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { EtcdTestCluster, startEtcd, StartOptions } from './etcd';

/**
 * For the enclosing `describe`: a fresh real etcd and an open connection to it, stopped afterwards.
 * Read `t.etcd` / `t.conn` inside tests (they are set by the `before` hook).
 */
export function useEtcdConnection(
  name: string,
  opts: StartOptions = {},
): { readonly etcd: EtcdTestCluster; readonly conn: EtcdConnection } {
  const t = {} as { etcd: EtcdTestCluster; conn: EtcdConnection };
  before(async () => {
    t.etcd = await startEtcd(opts);
    t.conn = await EtcdConnection.open({ name, endpoints: t.etcd.endpoints });
  });
  after(async () => {
    t.conn?.close();
    await t.etcd?.stop();
  });
  return t;
}
