/**
 * The legacy v2 keyspace (etcd 3.4/3.5 started with --enable-v2; etcd 3.6 removed it), read-only over its HTTP API
 * (`GET /v2/keys/…`) with the connection's own TLS material and user. v2 keys are a separate store: flannel's
 * `/coreos.com/network/config` and `subnets/` live there, invisible to the v3 API. EtcdConnection.v2 is its door.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, RequestOptions } from 'node:https';
import { EtcdStudioError } from '../errors';
import type { ClientSettings } from './etcd3Adapter';
import { toUserError } from './grpcErrors';

/** One v2 node: a directory (with its children when listed) or a key with its value. */
export interface V2Node {
  key: string;
  dir: boolean;
  value?: string;
  /** Seconds left when the key has a TTL (flannel's subnet leases do). */
  ttl?: number;
  expiration?: string;
  createdIndex: number;
  modifiedIndex: number;
  nodes?: V2Node[];
}

/** Whether the member serves the v2 keyspace, and the etcd index it reported. */
export type V2Status = { state: 'enabled'; etcdIndex: number } | { state: 'disabled'; reason: string };

interface RawNode {
  key?: string;
  dir?: boolean;
  value?: string;
  ttl?: number;
  expiration?: string;
  createdIndex?: number;
  modifiedIndex?: number;
  nodes?: RawNode[];
}

function toNode(n: RawNode): V2Node {
  return {
    key: n.key ?? '/',
    dir: !!n.dir,
    ...(n.value !== undefined ? { value: n.value } : {}),
    ...(n.ttl !== undefined ? { ttl: n.ttl } : {}),
    ...(n.expiration ? { expiration: n.expiration } : {}),
    createdIndex: n.createdIndex ?? 0,
    modifiedIndex: n.modifiedIndex ?? 0,
    ...(n.nodes ? { nodes: n.nodes.map(toNode).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) } : {}),
  };
}

/** The path of a v2 key in the URL: each segment escaped, the slashes kept. */
function keyPath(key: string): string {
  const clean = key.startsWith('/') ? key : `/${key}`;
  return clean
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

interface Answer {
  status: number;
  body: string;
  etcdIndex: number;
}

function get(settings: ClientSettings, endpoint: string, path: string): Promise<Answer> {
  const url = new URL(path, endpoint);
  const tls = settings.tls;
  const options: RequestOptions = {
    method: 'GET',
    timeout: settings.requestTimeoutMs,
    headers: {
      accept: 'application/json',
      ...(settings.auth
        ? { authorization: `Basic ${Buffer.from(`${settings.auth.username}:${settings.auth.password}`).toString('base64')}` }
        : {}),
    },
    ...(tls
      ? {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          ...(tls.serverName ? { servername: tls.serverName } : {}),
          rejectUnauthorized: !tls.insecureSkipVerify,
        }
      : {}),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          etcdIndex: Number(res.headers['x-etcd-index'] ?? 0),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${settings.requestTimeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** GET on the first endpoint that answers (like the v3 client, another endpoint is tried when one is unreachable). */
async function getAny(settings: ClientSettings, path: string): Promise<Answer> {
  let last: unknown;
  for (const endpoint of settings.endpoints) {
    try {
      return await get(settings, endpoint, path);
    } catch (e) {
      last = e;
    }
  }
  // TLS, refused connections and timeouts read as they do for the v3 API.
  throw toUserError(last, settings.endpoints);
}

/** Whether the member serves /v2/keys (etcd 3.4/3.5 only with --enable-v2). */
export async function v2Status(settings: ClientSettings): Promise<V2Status> {
  const a = await getAny(settings, '/v2/keys/?quorum=false');
  if (a.status === 200) return { state: 'enabled', etcdIndex: a.etcdIndex };
  if (a.status === 404)
    return { state: 'disabled', reason: 'the member runs without --enable-v2, so it has no v2 keyspace (v3 keys are unaffected)' };
  if (a.status === 401)
    throw new EtcdStudioError('AuthFailed', "The v2 API refused the connection's user (v2 auth is separate from v3 auth).");
  throw new EtcdStudioError('Internal', `The v2 API answered ${a.status}: ${a.body.slice(0, 200)}`);
}

/** A v2 key or directory (with its direct children, sorted), or undefined when it does not exist. */
export async function v2Get(settings: ClientSettings, key: string): Promise<V2Node | undefined> {
  const a = await getAny(settings, `/v2/keys${keyPath(key)}?quorum=false&sorted=true`);
  let body: { node?: RawNode; errorCode?: number; message?: string; cause?: string };
  try {
    body = JSON.parse(a.body) as typeof body;
  } catch {
    if (a.status === 404)
      throw new EtcdStudioError(
        'NotFound',
        'This member has no v2 keyspace: it runs without --enable-v2 (or is etcd 3.6+, which removed it).',
      );
    throw new EtcdStudioError('Internal', `The v2 API answered ${a.status}: ${a.body.slice(0, 200)}`);
  }
  if (body.errorCode === 100) return undefined;
  if (body.errorCode !== undefined)
    throw new EtcdStudioError(
      body.errorCode === 110 ? 'PermissionDenied' : 'Internal',
      `The v2 API refused ${key}: ${body.message ?? 'error'}${body.cause ? ` (${body.cause})` : ''} [code ${body.errorCode}].`,
    );
  return body.node ? toNode(body.node) : undefined;
}
