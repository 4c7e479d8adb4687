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
  /** Milliseconds the health check took (etcdctl's "took"). */
  tookMs: number;
  error?: string;
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

/**
 * Healthy when a linearizable read of the key "health" succeeds, as etcdctl does; "permission
 * denied" still proves the member serves requests, so it counts as healthy too.
 */
export async function endpointHealth(profile: ConnectionProfile, endpoint: string, opts: ConnectOptions = {}): Promise<EndpointHealth> {
  const started = Date.now();
  try {
    await withEndpoint(profile, endpoint, opts, (c) => c.call('health', () => c.client.get('health').exists()));
    return { endpoint, health: true, tookMs: Date.now() - started };
  } catch (e) {
    const err = toUserError(e, [endpoint]);
    if (err.code === 'PermissionDenied') return { endpoint, health: true, tookMs: Date.now() - started };
    return { endpoint, health: false, tookMs: Date.now() - started, error: err.message };
  }
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
