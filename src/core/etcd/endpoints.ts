/**
 * Per-endpoint checks, like `etcdctl endpoint health` and `endpoint status`: each endpoint gets its
 * own short-lived client, so one slow or dead member never hides the others.
 */
import { errorMessage } from '../errors';
import { ConnectOptions, EndpointStatus, EtcdConnection } from './connection';
import { toUserError } from './grpcErrors';
import { ConnectionProfile } from './profile';

export interface EndpointHealth {
  endpoint: string;
  health: boolean;
  /** Milliseconds the health check took (etcdctl's "took"), with sub-millisecond precision. */
  tookMs: number;
  error?: string;
  /** etcd's version on that member, when it answered. */
  version?: string;
}

async function withEndpoint<T>(
  profile: ConnectionProfile,
  endpoint: string,
  opts: ConnectOptions,
  fn: (c: EtcdConnection) => Promise<T>,
): Promise<T> {
  const conn = await EtcdConnection.open({ ...profile, endpoints: [endpoint] }, opts);
  try {
    return await fn(conn);
  } finally {
    conn.close();
  }
}

const since = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

/**
 * Healthy when a linearizable read of the key "health" succeeds, as etcdctl does; "permission
 * denied" still proves the member serves requests, so it counts as healthy too.
 */
export async function endpointHealth(profile: ConnectionProfile, endpoint: string, opts: ConnectOptions = {}): Promise<EndpointHealth> {
  const started = process.hrtime.bigint();
  try {
    return await withEndpoint(profile, endpoint, opts, (c) => memberHealth(c, endpoint, started));
  } catch (e) {
    return healthFailure(e, endpoint, started);
  }
}

/**
 * The same health check on an already open single-member connection (the doctor keeps one per member).
 * A learner serves no linearizable reads, so it is asked a member-local (serializable) one.
 */
export async function memberHealth(
  c: EtcdConnection,
  endpoint: string,
  started = process.hrtime.bigint(),
  learner = false,
): Promise<EndpointHealth> {
  const version = c.serverVersion;
  try {
    await c.range({ key: Buffer.from('health'), serializable: learner }, 'health');
    return { endpoint, health: true, tookMs: since(started), version };
  } catch (e) {
    return healthFailure(e, endpoint, started, version);
  }
}

function healthFailure(e: unknown, endpoint: string, started: bigint, version?: string): EndpointHealth {
  const err = toUserError(e, [endpoint]);
  if (err.code === 'PermissionDenied') return { endpoint, health: true, tookMs: since(started), version };
  return { endpoint, health: false, tookMs: since(started), error: err.message, ...(version ? { version } : {}) };
}

export async function endpointStatus(
  profile: ConnectionProfile,
  endpoint: string,
  opts: ConnectOptions = {},
): Promise<EndpointStatus | { endpoint: string; error: string }> {
  try {
    const s = await withEndpoint(profile, endpoint, opts, (c) => c.status());
    return { ...s, endpoint };
  } catch (e) {
    return { endpoint, error: errorMessage(e) };
  }
}
