import { execFileSync } from 'node:child_process';
import { EtcdTestCluster } from './etcd';

/** etcdctl against a test cluster (argument arrays, never a shell). */
export function etcdctl(etcd: EtcdTestCluster, args: string[], user?: string): string {
  const tls = etcd.tls ? ['--cacert', etcd.tls.cacert, '--cert', etcd.tls.cert, '--key', etcd.tls.key] : [];
  return execFileSync('etcdctl', ['--endpoints', etcd.endpoints.join(','), ...tls, ...(user ? ['--user', user] : []), ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
    encoding: 'utf8',
  });
}

/**
 * Turns on etcd's auth: root (password "rootpw") and "alice" (password "alicepw") who may only
 * read `/allowed/`. Returns the users' credentials.
 */
export function enableAuth(etcd: EtcdTestCluster): { root: string; alice: string } {
  etcdctl(etcd, ['user', 'add', 'root:rootpw']);
  etcdctl(etcd, ['user', 'grant-role', 'root', 'root']);
  etcdctl(etcd, ['role', 'add', 'reader']);
  etcdctl(etcd, ['role', 'grant-permission', 'reader', 'read', '/allowed/', '--prefix=true']);
  etcdctl(etcd, ['user', 'add', 'alice:alicepw']);
  etcdctl(etcd, ['user', 'grant-role', 'alice', 'reader']);
  etcdctl(etcd, ['put', '/allowed/a', '1']);
  etcdctl(etcd, ['put', '/secret/b', '2']);
  etcdctl(etcd, ['auth', 'enable']);
  return { root: 'rootpw', alice: 'alicepw' };
}
