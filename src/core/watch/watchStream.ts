/**
 * One raw gRPC Watch stream for one watcher. etcd3's own Watcher is not used: it resumes from the
 * response header's revision + 1, which during a catch-up is ahead of the events actually delivered
 * (etcd sends at most 1000 revisions a response, each stamped with the current revision), so a
 * reconnect mid catch-up silently skips events (test/unit/watch-etcd3.test.ts shows it). Owning the
 * stream lets the watcher resume from the last event it really received.
 */
import type { ClientDuplexStream, Metadata } from '@grpc/grpc-js';
import type { IWatchRequest, IWatchResponse } from 'etcd3';
import type { EtcdConnection } from '../etcd/connection';

export type RawWatchStream = ClientDuplexStream<IWatchRequest, IWatchResponse>;

/** The parts of etcd3's (internal) connection pool a stream needs: a host's Watch client and its auth metadata. */
interface PoolLike {
  withConnection<T>(
    service: string,
    fn: (c: { resource: unknown; client: { watch(md: Metadata, opts: object): RawWatchStream }; metadata: Metadata }) => T,
  ): Promise<T>;
  markFailed(resource: unknown, error: Error): void;
}

/**
 * Opens a Watch stream on one of the connection's endpoints. `hasleader` makes the member end the
 * stream when it loses its leader (as etcd's Go client does), so a partitioned member cannot leave
 * the watch silently stuck; the watcher then reconnects, possibly to another member.
 */
export async function openWatchStream(conn: EtcdConnection): Promise<RawWatchStream> {
  const pool = (conn.client as unknown as { pool: PoolLike }).pool;
  return pool.withConnection('Watch', ({ resource, client, metadata }) => {
    const md = metadata.clone();
    md.set('hasleader', 'true');
    const stream = client.watch(md, {});
    // Feed the host's circuit breaker, so a dead member is skipped on the next attempts.
    stream.on('error', (err: Error) => stream.writable && pool.markFailed(resource, err));
    return stream;
  });
}
