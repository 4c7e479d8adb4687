import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';

/**
 * An etcd3 client of the tests' own, for setting up and checking a cluster as "someone else" would:
 * it shares no code path with the EtcdConnection under test (whose client is private, see
 * src/core/etcd/etcd3Adapter.ts), so a test never proves a write with the code that made it.
 */
export function rawClient(etcd: { endpoints: string[]; tls?: { cacert: string; cert: string; key: string } }): Etcd3 {
  return new Etcd3({
    hosts: etcd.endpoints,
    ...(etcd.tls
      ? {
          credentials: {
            rootCertificate: readFileSync(etcd.tls.cacert),
            certChain: readFileSync(etcd.tls.cert),
            privateKey: readFileSync(etcd.tls.key),
          },
        }
      : {}),
  });
}

/**
 * `count` puts of `${prefix}k${i}` = i, one revision each (16 writers in parallel), so the history is
 * longer than etcd's 1000-revision watch response limit. Returns the first of those revisions.
 */
export async function putRevisions(raw: Etcd3, prefix: string, count: number): Promise<number> {
  const first = Number((await raw.maintenance.status()).header.revision) + 1;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        await raw.put(`${prefix}k${i}`).value(String(i));
      }
    }),
  );
  return first;
}
