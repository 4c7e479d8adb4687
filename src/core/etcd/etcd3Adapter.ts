/**
 * The one module that knows the etcd3 library (pinned at 1.1.2) and the grpc-js internals it is built
 * on. Everything else reaches etcd through EtcdConnection, which owns one Etcd3Rpc from here; lint
 * refuses `etcd3` imports (and `any`) anywhere else. test/unit/etcd3-adapter.test.ts checks every
 * shape this file relies on, so an upgrade of etcd3 fails there, loudly, instead of in a user's hands.
 *
 * What it replaces in etcd3, and why (README "The etcd3 adapter" says the same for users):
 *  1. TLS: etcd3 builds its grpc credentials without verify options, so a TLS server name or
 *     insecureSkipVerify cannot reach grpc. This client's hosts get credentials built here, before any
 *     channel exists; nothing global (grpc.credentials) is patched.
 *  2. Retries: etcd3 retries timeouts and NOSPACE three times and then says "circuit breaker is open".
 *     Here only an unreachable member is retried (on the next endpoint), and only it pauses an endpoint.
 *  3. Status and HashKV: etcd3's bundled rpc.proto predates etcd 3.6 (no storageVersion, dbSizeQuota,
 *     downgradeInfo, hash_revision) and its hashKV() calls a method the service does not have
 *     ("hashKV", not "HashKV"): both run on the pool's channel and are decoded in etcdMessages.ts.
 *  4. Snapshot: etcd3's snapshot() passes the auth metadata where grpc expects the request, so clusters
 *     with auth refuse it. Here it runs on a channel of its own with a wide HTTP/2 window (see below).
 *  5. Watch: etcd3's Watcher resumes from the response header's revision + 1, which during a catch-up is
 *     ahead of the events delivered, so a reconnect then skips events. Each watcher gets a raw stream here
 *     (with `hasleader`) and resumes from the last event it received (core/watch/watcher.ts).
 *  6. Lease keep-alive: etcd3 only offers a long-lived keeper; here one request, one answer, closed.
 * Everything reaches the connection pool through `poolOf` below.
 */
import { checkServerIdentity, PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { circuitBreaker, ConsecutiveBreaker, handleWhen, IPolicy, retry } from 'cockatiel';
import { castGrpcError, Etcd3, EtcdInvalidAuthTokenError, GRPCUnavailableError, IOptions } from 'etcd3';
import { ConnectionPool } from 'etcd3/lib/connection-pool';
import type {
  IAlarmResponse,
  IAuthRoleGetResponse,
  IAuthRoleListResponse,
  IAuthStatusResponse,
  IAuthUserGetResponse,
  IAuthUserListResponse,
  ICompactionRequest,
  ICompactionResponse,
  IDeleteRangeRequest,
  IDeleteRangeResponse,
  ILeaseGrantResponse,
  ILeaseKeepAliveResponse,
  ILeaseLeasesResponse,
  ILeaseRevokeResponse,
  ILeaseTimeToLiveResponse,
  IMemberAddResponse,
  IMemberListResponse,
  IMemberPromoteResponse,
  IMemberRemoveResponse,
  IMoveLeaderResponse,
  IPutRequest,
  IPutResponse,
  IRangeRequest,
  IRangeResponse,
  ITxnRequest,
  ITxnResponse,
  IWatchRequest,
  IWatchResponse,
} from 'etcd3';
import { decodeHashKvResponse, decodeSnapshotResponse, decodeStatusResponse, encodeHashKvRequest } from './etcdMessages';
import type { HashKvResponse, SnapshotChunk, StatusResponse } from './etcdMessages';
import { decodeRangeResponse, encodeRangeRequest } from './rangeWire';
import type { RangeWireRequest, RawKvs } from './rangeWire';

/** etcd's API messages as etcd3 decodes them (int64/uint64 as decimal strings), for the rest of core. */
export type {
  IAlarmMember,
  IAlarmResponse,
  IAuthRoleGetResponse,
  IAuthRoleListResponse,
  IAuthStatusResponse,
  IAuthUserGetResponse,
  IAuthUserListResponse,
  IPermission,
  ICompare,
  IDeleteRangeRequest,
  IDeleteRangeResponse,
  IEvent,
  IKeyValue,
  ILeaseGrantResponse,
  ILeaseKeepAliveResponse,
  ILeaseLeasesResponse,
  ILeaseRevokeResponse,
  ILeaseTimeToLiveResponse,
  IMember,
  IMemberAddResponse,
  IMemberListResponse,
  IMemberPromoteResponse,
  IMemberRemoveResponse,
  IMoveLeaderResponse,
  IPutRequest,
  IPutResponse,
  IRangeRequest,
  IRangeResponse,
  IRequestOp,
  IResponseHeader,
  IResponseOp,
  ITxnRequest,
  ITxnResponse,
  IWatchRequest,
  IWatchResponse,
} from 'etcd3';

/** The etcd3 version every workaround here was written and checked against. */
export const PINNED_ETCD3_VERSION = '1.1.2';

/** What a client needs, already read from the profile (files loaded, password known). */
export interface ClientSettings {
  endpoints: string[];
  dialTimeoutMs: number;
  requestTimeoutMs: number;
  tls?: {
    /** CA bundle; without it Node's default roots verify the server (verification stays on). */
    ca?: Buffer;
    key?: Buffer;
    cert?: Buffer;
    /** Name to verify the server certificate against instead of the endpoint host. */
    serverName?: string;
    insecureSkipVerify?: boolean;
  };
  auth?: { username: string; password: string };
}

export type RawWatchStream = grpc.ClientDuplexStream<IWatchRequest, IWatchResponse>;

/** What the save loop needs of the snapshot stream (a grpc-js ClientReadableStream has it all). */
export interface SnapshotStream {
  on(event: 'data', fn: (chunk: SnapshotChunk) => void): this;
  on(event: 'end', fn: () => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  pause(): this;
  resume(): this;
  cancel(): void;
}

// --- etcd3 1.1.2 internals (checked by test/unit/etcd3-adapter.test.ts) ---

/** One etcd3 `Host`: a member's address, its channel settings and the service clients made so far. */
export interface HostInternals {
  host: string;
  channelCredentials: grpc.ChannelCredentials;
  channelOptions: grpc.ChannelOptions | undefined;
  cachedServices: Record<string, grpc.Client | undefined>;
}

type PoolCallback<T> = (c: { resource: HostInternals; client: grpc.Client; metadata: grpc.Metadata }) => T | Promise<T>;

/** etcd3's `ConnectionPool` (`Etcd3.pool`): picks a host, adds auth metadata, feeds the circuit breakers. */
export interface PoolInternals {
  hosts: HostInternals[];
  authenticator: { credentials: grpc.ChannelCredentials; invalidateMetadata(): void };
  withConnection<T>(service: string, fn: PoolCallback<T>): Promise<T>;
  markFailed(resource: HostInternals, error: Error): void;
}

export function poolOf(client: Etcd3): PoolInternals {
  return (client as unknown as { pool: PoolInternals }).pool;
}

/** The member could not be reached (not an answer like "etcdserver: unhealthy cluster", also code 14). */
function isUnavailable(e: Error): boolean {
  return e instanceof GRPCUnavailableError && !/etcdserver:/.test(e.message);
}

function verifyOptions(tls: NonNullable<ClientSettings['tls']>): grpc.VerifyOptions | undefined {
  if (tls.insecureSkipVerify) return { rejectUnauthorized: false, checkServerIdentity: () => undefined };
  const name = tls.serverName;
  if (name) return { checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert) };
  return undefined;
}

/**
 * HTTP/2 flow control for the snapshot: with grpc's default 64 KiB window, Node acknowledges every
 * 32 KiB message with WINDOW_UPDATE frames (a socket write each, ~32k per GB, measured as seconds of
 * system time) and etcd pauses whenever the client is busy. A channel of its own with a 16 MiB window
 * acknowledges every 8 MiB and lets etcd run ahead.
 */
const SNAPSHOT_WINDOW = 16 * 1024 * 1024;
const SNAPSHOT_METHOD = '/etcdserverpb.Maintenance/Snapshot';

/** One etcd3 client with the workarounds above; EtcdConnection is its only user. */
export class Etcd3Rpc {
  private readonly client: Etcd3;
  private readonly retryPolicy: IPolicy;

  constructor(private readonly settings: ClientSettings) {
    // Only an unreachable member is worth another try (on the next endpoint); see (2) above.
    this.retryPolicy = retry(handleWhen(isUnavailable), { maxAttempts: Math.min(settings.endpoints.length, 3) });
    const options: IOptions = {
      hosts: settings.endpoints,
      dialTimeout: settings.dialTimeoutMs,
      // Large keys-only pages exceed grpc's default 4 MiB receive limit.
      grpcOptions: {
        'grpc.max_receive_message_length': -1,
        ...(settings.tls?.serverName ? { 'grpc.ssl_target_name_override': settings.tls.serverName } : {}),
      },
      // Streams (watch, snapshot) run as long as they need; unary calls get a deadline.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: this.deadline() }),
      faultHandling: {
        global: this.retryPolicy,
        host: () => circuitBreaker(handleWhen(isUnavailable), { halfOpenAfter: 2000, breaker: new ConsecutiveBreaker(3) }),
      },
      ...(settings.auth ? { auth: settings.auth } : {}),
    };
    this.client = new Etcd3(options);
    if (settings.tls) this.useCredentials(settings.tls);
  }

  /** (1) TLS with our verify options, on this client's hosts only (no service client exists yet). */
  private useCredentials(tls: NonNullable<ClientSettings['tls']>): void {
    const creds = grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null, verifyOptions(tls));
    const pool = poolOf(this.client);
    for (const host of pool.hosts) {
      if (Object.keys(host.cachedServices).length) throw new Error('etcd3 opened a channel before its TLS credentials were set');
      host.channelCredentials = creds;
    }
    pool.authenticator.credentials = creds;
  }

  private deadline(): number {
    return Date.now() + this.settings.requestTimeoutMs;
  }

  // --- KV ---
  range(req: IRangeRequest): Promise<IRangeResponse> {
    return this.client.kv.range(req);
  }
  put(req: IPutRequest): Promise<IPutResponse> {
    return this.client.kv.put(req);
  }
  deleteRange(req: IDeleteRangeRequest): Promise<IDeleteRangeResponse> {
    return this.client.kv.deleteRange(req);
  }
  txn(req: ITxnRequest): Promise<ITxnResponse> {
    return this.client.kv.txn(req);
  }
  compact(req: ICompactionRequest): Promise<ICompactionResponse> {
    return this.client.kv.compact(req);
  }

  // --- leases (ids as decimal strings) ---
  leaseGrant(ttl: number): Promise<ILeaseGrantResponse> {
    return this.client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 });
  }
  leaseRevoke(id: string): Promise<ILeaseRevokeResponse> {
    return this.client.leaseClient.leaseRevoke({ ID: id });
  }
  leaseTimeToLive(id: string, keys: boolean): Promise<ILeaseTimeToLiveResponse> {
    return this.client.leaseClient.leaseTimeToLive({ ID: id, keys });
  }
  leaseLeases(): Promise<ILeaseLeasesResponse> {
    return this.client.leaseClient.leaseLeases();
  }

  /** (6) One keep-alive on a stream of its own: resolves with the answer, rejects on error or timeout. */
  async leaseKeepAliveOnce(id: string, timeoutMs: number): Promise<ILeaseKeepAliveResponse> {
    const stream = await this.client.leaseClient.leaseKeepAlive();
    try {
      return await new Promise<ILeaseKeepAliveResponse>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`deadline exceeded: no keep-alive answer within ${timeoutMs} ms`)), timeoutMs);
        stream.on('data', (res: ILeaseKeepAliveResponse) => {
          clearTimeout(timer);
          resolve(res);
        });
        stream.on('error', (e: Error) => {
          clearTimeout(timer);
          reject(castGrpcError(e));
        });
        stream.write({ ID: id });
      });
    } finally {
      stream.on('error', () => undefined);
      stream.cancel();
    }
  }

  // --- cluster (member ids as decimal strings) ---
  memberList(linearizable: boolean): Promise<IMemberListResponse> {
    return this.client.cluster.memberList({ linearizable });
  }
  memberAdd(peerUrls: string[], learner: boolean): Promise<IMemberAddResponse> {
    return this.client.cluster.memberAdd({ peerURLs: peerUrls, isLearner: learner });
  }
  memberRemove(id: string): Promise<IMemberRemoveResponse> {
    return this.client.cluster.memberRemove({ ID: id });
  }
  memberPromote(id: string): Promise<IMemberPromoteResponse> {
    return this.client.cluster.memberPromote({ ID: id });
  }

  // --- maintenance ---
  alarmList(): Promise<IAlarmResponse> {
    return this.client.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' });
  }
  alarmDisarm(memberId: string, alarm: 'NOSPACE' | 'CORRUPT'): Promise<IAlarmResponse> {
    return this.client.maintenance.alarm({ action: 'Deactivate', memberID: memberId, alarm: alarm === 'NOSPACE' ? 'Nospace' : 'Corrupt' });
  }
  defragment(): Promise<unknown> {
    return this.client.maintenance.defragment();
  }
  moveLeader(targetId: string): Promise<IMoveLeaderResponse> {
    return this.client.maintenance.moveLeader({ targetID: targetId });
  }
  authenticate(name: string, password: string): Promise<unknown> {
    return this.client.auth.authenticate({ name, password });
  }

  // --- auth (users, roles, key-range permissions; names as given, keys as bytes) ---
  authStatus(): Promise<IAuthStatusResponse> {
    return this.client.auth.authStatus();
  }
  authEnable(): Promise<unknown> {
    return this.client.auth.authEnable();
  }
  authDisable(): Promise<unknown> {
    return this.client.auth.authDisable();
  }
  userList(): Promise<IAuthUserListResponse> {
    return this.client.auth.userList();
  }
  userGet(name: string): Promise<IAuthUserGetResponse> {
    return this.client.auth.userGet({ name });
  }
  userAdd(name: string, password: string): Promise<unknown> {
    return this.client.auth.userAdd({ name, password });
  }
  userDelete(name: string): Promise<unknown> {
    return this.client.auth.userDelete({ name });
  }
  userChangePassword(name: string, password: string): Promise<unknown> {
    return this.client.auth.userChangePassword({ name, password });
  }
  userGrantRole(user: string, role: string): Promise<unknown> {
    return this.client.auth.userGrantRole({ user, role });
  }
  userRevokeRole(name: string, role: string): Promise<unknown> {
    return this.client.auth.userRevokeRole({ name, role });
  }
  roleList(): Promise<IAuthRoleListResponse> {
    return this.client.auth.roleList();
  }
  roleGet(role: string): Promise<IAuthRoleGetResponse> {
    return this.client.auth.roleGet({ role });
  }
  roleAdd(name: string): Promise<unknown> {
    return this.client.auth.roleAdd({ name });
  }
  roleDelete(role: string): Promise<unknown> {
    return this.client.auth.roleDelete({ role });
  }
  roleGrantPermission(name: string, perm: { permType: 'Read' | 'Write' | 'Readwrite'; key: Buffer; range_end: Buffer }): Promise<unknown> {
    return this.client.auth.roleGrantPermission({ name, perm });
  }
  roleRevokePermission(role: string, key: Buffer, rangeEnd: Buffer): Promise<unknown> {
    return this.client.auth.roleRevokePermission({ role, key, range_end: rangeEnd });
  }

  /** (3) Status with the fields etcd 3.6 added. */
  status(): Promise<StatusResponse> {
    return this.rawUnary('Maintenance', 'Status', Buffer.alloc(0), decodeStatusResponse);
  }

  /**
   * A Range whose request is encoded and whose response is decoded by rangeWire.ts (keys and values
   * stay views into the response buffer: no per-key objects), for scans of millions of keys.
   * Aborting `signal` cancels the call.
   */
  rangeRaw(request: RangeWireRequest, signal?: AbortSignal): Promise<RawKvs> {
    return this.rawUnary('KV', 'Range', encodeRangeRequest(request), decodeRangeResponse, signal);
  }

  /** (3) HashKV under its real method name, with etcd 3.6's hash_revision. */
  hashKv(revision: number): Promise<HashKvResponse> {
    return this.rawUnary('Maintenance', 'HashKV', encodeHashKvRequest(revision), decodeHashKvResponse);
  }

  /**
   * A unary call with our own (de)serialization on a pooled channel: the same host choice, auth
   * metadata, retry and circuit breakers as etcd3's calls; an expired auth token is renewed once.
   */
  private rawUnary<T>(service: string, method: string, request: Buffer, decode: (b: Buffer) => T, signal?: AbortSignal): Promise<T> {
    const pool = poolOf(this.client);
    const once = () =>
      this.retryPolicy.execute(() =>
        pool.withConnection(
          service,
          ({ client, metadata }) =>
            new Promise<T>((resolve, reject) => {
              const call = client.makeUnaryRequest(
                `/etcdserverpb.${service}/${method}`,
                (b: Buffer) => b,
                decode,
                request,
                metadata,
                { deadline: this.deadline() },
                (err, res) =>
                  err || res === undefined ? reject(castGrpcError(err ?? new Error(`${method}: empty answer`))) : resolve(res),
              );
              if (signal) {
                const abort = () => call.cancel();
                signal.addEventListener('abort', abort, { once: true });
                call.on('status', () => signal.removeEventListener('abort', abort));
              }
            }),
        ),
      );
    return once().catch((e: unknown) => {
      if (!(e instanceof EtcdInvalidAuthTokenError)) throw e;
      pool.authenticator.invalidateMetadata();
      return once();
    });
  }

  /** (5) A raw Watch stream on one of the endpoints; `hasleader` makes a member without a leader end it. */
  openWatchStream(): Promise<RawWatchStream> {
    const pool = poolOf(this.client);
    return pool.withConnection('Watch', ({ resource, client, metadata }) => {
      const md = metadata.clone();
      md.set('hasleader', 'true');
      const stream = (client as unknown as { watch(md: grpc.Metadata, opts: grpc.CallOptions): RawWatchStream }).watch(md, {});
      // Feed the host's circuit breaker, so a dead member is skipped on the next attempts.
      stream.on('error', (err: Error) => stream.writable && pool.markFailed(resource, castGrpcError(err)));
      return stream;
    });
  }

  /**
   * (4) The Maintenance.Snapshot stream of the member this client reaches, on a channel of its own
   * (same host, credentials and options as the pool's, plus the wide window), closed with the stream.
   */
  openSnapshotStream(): Promise<SnapshotStream> {
    const pool = poolOf(this.client);
    return pool.withConnection('Maintenance', ({ client, metadata, resource }) => {
      const Ctor = client.constructor as new (host: string, creds: grpc.ChannelCredentials, opts: grpc.ChannelOptions) => grpc.Client;
      const wide = new Ctor(resource.host, resource.channelCredentials, {
        ...resource.channelOptions,
        'grpc-node.flow_control_window': SNAPSHOT_WINDOW,
      });
      const stream = wide.makeServerStreamRequest(SNAPSHOT_METHOD, () => Buffer.alloc(0), decodeSnapshotResponse, {}, metadata, {});
      stream.on('error', (err: Error) => pool.markFailed(resource, castGrpcError(err)));
      stream.on('close', () => wide.close());
      return stream;
    });
  }

  close(): void {
    this.client.close();
  }
}

/**
 * etcd3 picks a random endpoint for each call and stream; with its deterministic order the last
 * endpoint is tried first. For tests that must put a stream on a given member (e.g. the one they kill).
 */
export function deterministicHostOrder(on: boolean): void {
  (ConnectionPool as unknown as { deterministicOrder: boolean }).deterministicOrder = on;
}
