/**
 * A Range call whose response is decoded in place (rangeWire.ts) instead of into objects. It goes
 * through the connection's own etcd3 pool, so it uses the same channels, TLS, endpoint failover and
 * auth token as every other request; only the (de)serializers differ.
 */
import type * as grpc from '@grpc/grpc-js';
import { castGrpcError, EtcdInvalidAuthTokenError } from 'etcd3/lib/errors';
import { EtcdStudioError } from '../errors';
import type { EtcdConnection } from './connection';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './profile';
import { decodeRangeResponse, encodeRangeRequest, RangeWireRequest, RawKvs } from './rangeWire';

/** The parts of etcd3's connection pool used here (it is not part of etcd3's typed API). */
interface Pool {
  withConnection<R>(service: 'KV', fn: (args: { client: grpc.Client; metadata: grpc.Metadata }) => Promise<R>): Promise<R>;
  authenticator: { invalidateMetadata(): void };
}

function poolOf(conn: EtcdConnection): Pool {
  const pool = (conn.client as unknown as { pool?: Pool }).pool;
  if (!pool || typeof pool.withConnection !== 'function') {
    throw new EtcdStudioError('Internal', 'The etcd client library changed: its connection pool cannot be used for raw reads.');
  }
  return pool;
}

const RANGE_METHOD = '/etcdserverpb.KV/Range';
const identity = (b: Buffer): Buffer => b;

function call(pool: Pool, req: Buffer, deadline: number, signal?: AbortSignal): Promise<Buffer> {
  return pool.withConnection('KV', ({ client, metadata }) => {
    return new Promise<Buffer>((resolve, reject) => {
      const c = client.makeUnaryRequest<Buffer, Buffer>(RANGE_METHOD, identity, identity, req, metadata, { deadline }, (err, res) =>
        err ? reject(castGrpcError(err)) : resolve(res!),
      );
      if (signal) {
        const abort = () => c.cancel();
        signal.addEventListener('abort', abort, { once: true });
        c.on('status', () => signal.removeEventListener('abort', abort));
      }
    });
  });
}

/**
 * One Range request, its response decoded in place. `what` names it in logs and errors;
 * cancelling `signal` cancels the call and throws a Cancelled error.
 */
export async function rawRange(conn: EtcdConnection, req: RangeWireRequest, what: string, signal?: AbortSignal): Promise<RawKvs> {
  const pool = poolOf(conn);
  const body = encodeRangeRequest(req);
  const timeout = conn.profile.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const cancelled = () => new EtcdStudioError('Cancelled', `${what} was cancelled.`);
  if (signal?.aborted) throw cancelled();
  const buf = await conn.call(what, async () => {
    try {
      return await call(pool, body, Date.now() + timeout, signal);
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      // A simple-auth token expires after a few idle minutes: get a new one and try once more.
      if (e instanceof EtcdInvalidAuthTokenError) {
        pool.authenticator.invalidateMetadata();
        return call(pool, body, Date.now() + timeout, signal);
      }
      throw e;
    }
  });
  return decodeRangeResponse(buf);
}
