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
 *  2. Retries: etcd3 retries every call (writes too) on timeouts and NOSPACE three times and then says
 *     "circuit breaker is open". Here a read (`read()`) that finds its member unreachable or silent
 *     (UNAVAILABLE, DEADLINE_EXCEEDED) is tried on the next endpoint; a write is sent again only when
 *     it provably never left (no connection), never after it may have reached etcd. Members that
 *     failed lately are tried last (`preferHealthy`).
 *  7. Keepalive: etcd3 sets no gRPC keepalive, so a frozen link or a SIGSTOPped member left watch and
 *     snapshot streams waiting forever. Every channel here pings and drops a silent connection.
 *  8. TLS handshake: grpc-js waits for a TLS handshake without a limit and does not close that socket
 *     when its channel closes, so an https endpoint that accepts but never answers kept the process
 *     alive after the error. Our credentials bound the handshake by the dial timeout.
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
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Socket } from 'node:net';
import { checkServerIdentity, PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { circuitBreaker, ConsecutiveBreaker, handleWhen, IPolicy, retry } from 'cockatiel';
import {
  castGrpcError,
  Etcd3,
  EtcdInvalidAuthTokenError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
  IOptions,
} from 'etcd3';
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
  /** gRPC keepalive: a ping after this long without one, the connection dropped without an answer within the timeout. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
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
  withConnection<T>(service: string, fn: PoolCallback<T>, order?: Iterator<HostInternals>): Promise<T>;
  markFailed(resource: HostInternals, error: Error): void;
  /** The order hosts are tried in, endlessly; `exec` keeps one per call so a retry goes to the next host. */
  shuffledHosts(): Iterator<HostInternals>;
}

export function poolOf(client: Etcd3): PoolInternals {
  return (client as unknown as { pool: PoolInternals }).pool;
}

/** The member could not be reached (not an answer like "etcdserver: unhealthy cluster", also code 14). */
function isUnavailable(e: Error): boolean {
  return e instanceof GRPCUnavailableError && !/etcdserver:/.test(e.message);
}

/** The member reached did not answer in time (a hung or partitioned member, or a frozen link). */
function isSilent(e: Error): boolean {
  return e instanceof GRPCDeadlineExceededError || (e instanceof GRPCUnavailableError && /keepalive/i.test(e.message));
}

/**
 * The request provably never left this process: no connection to the member existed (grpc-js fails
 * such a call before sending it). Only then may a write be sent again.
 */
export function neverSent(e: Error): boolean {
  return e instanceof GRPCUnavailableError && /No connection established|ECONNREFUSED|Name resolution failed|ENOTFOUND/i.test(e.message);
}

/** Marks calls that may be sent again on another member (reads); the retry policy asks it. */
const idempotentCall = new AsyncLocalStorage<true>();

/** Whether a failed call is tried again on the next endpoint. */
function worthRetrying(e: Error): boolean {
  if (neverSent(e)) return true;
  return idempotentCall.getStore() === true && (isUnavailable(e) || isSilent(e));
}

/** How long a member that failed stays at the back of the line. */
const SUSPECT_MS = 30_000;

/** grpc-js 1.14's secure connector: wraps a connected TCP socket in TLS (checked by the adapter test). */
interface SecureConnector {
  connect(socket: Socket): Promise<unknown>;
}
type SecureConnectorFactory = (...args: unknown[]) => SecureConnector;

/** (8) A TLS handshake that has not finished within `ms` of silence destroys its socket (and fails the attempt). */
export function boundTlsHandshake(creds: grpc.ChannelCredentials, ms: number): void {
  const c = creds as unknown as { _createSecureConnector: SecureConnectorFactory };
  const make = c._createSecureConnector.bind(c);
  c._createSecureConnector = (...args) => {
    const connector = make(...args);
    const connect = connector.connect.bind(connector);
    connector.connect = (socket) => {
      socket.setTimeout(ms, () => socket.destroy(new Error(`the TLS handshake got no answer within ${ms} ms`)));
      return connect(socket).finally(() => socket.setTimeout(0));
    };
    return connector;
  };
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

  /** When each member (etcd3's host string) last failed to answer. */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly settings: ClientSettings) {
    // See (2) above: reads go to the next endpoint, writes only when they were never sent.
    this.retryPolicy = retry(handleWhen(worthRetrying), { maxAttempts: Math.min(settings.endpoints.length, 3) - 1 });
    const options: IOptions = {
      hosts: settings.endpoints,
      dialTimeout: settings.dialTimeoutMs,
      grpcOptions: {
        // Large keys-only pages exceed grpc's default 4 MiB receive limit.
        'grpc.max_receive_message_length': -1,
        // (7) etcd's server allows a ping every 5 s (--grpc-keepalive-min-time) while a stream is open.
        'grpc.keepalive_time_ms': settings.keepaliveTimeMs,
        'grpc.keepalive_timeout_ms': settings.keepaliveTimeoutMs,
        ...(settings.tls?.serverName ? { 'grpc.ssl_target_name_override': settings.tls.serverName } : {}),
      },
      // Streams (watch, snapshot) run as long as they need (keepalive finds a dead link); unary calls get a deadline.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: this.deadline() }),
      faultHandling: {
        global: this.retryPolicy,
        host: (host) => {
          const breaker = circuitBreaker(
            handleWhen((e) => isUnavailable(e) || isSilent(e)),
            {
              halfOpenAfter: 2000,
              breaker: new ConsecutiveBreaker(3),
            },
          );
          breaker.onFailure(({ reason }) => {
            if ('error' in reason && (isUnavailable(reason.error) || isSilent(reason.error)))
              this.failedAt.set(stripScheme(host), Date.now());
          });
          breaker.onSuccess(() => this.failedAt.delete(stripScheme(host)));
          return breaker;
        },
      },
      ...(settings.auth ? { auth: settings.auth } : {}),
    };
    this.client = new Etcd3(options);
    if (settings.tls) this.useCredentials(settings.tls);
    this.preferHealthy();
  }

  /**
   * (2) Hosts in etcd3's order (random, or the tests' deterministic one), but members that failed in the
   * last 30 s after the others: a hung member costs one timeout, not one per request.
   */
  private preferHealthy(): void {
    const pool = poolOf(this.client);
    const original = pool.shuffledHosts.bind(pool);
    const failedAt = this.failedAt;
    pool.shuffledHosts = function* () {
      const base = original();
      const n = pool.hosts.length;
      for (;;) {
        const round = Array.from({ length: n }, () => base.next().value as HostInternals);
        const now = Date.now();
        const penalty = (h: HostInternals) => {
          const t = failedAt.get(h.host);
          return t !== undefined && now - t < SUSPECT_MS ? t : 0;
        };
        yield* round
          .map((h, i) => ({ h, i }))
          .sort((a, b) => penalty(a.h) - penalty(b.h) || a.i - b.i)
          .map((x) => x.h);
      }
    };
  }

  /** Whether a failed write may still have been applied (see `mayHaveApplied` below). */
  mayHaveApplied(e: unknown): boolean {
    return mayHaveApplied(e);
  }

  /** (2) Runs a read: a member that is unreachable or silent is skipped and the read goes to the next one. */
  read<T>(fn: () => Promise<T>): Promise<T> {
    return idempotentCall.run(true, fn);
  }

  /** (1) TLS with our verify options, on this client's hosts only (no service client exists yet). */
  private useCredentials(tls: NonNullable<ClientSettings['tls']>): void {
    const creds = grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null, verifyOptions(tls));
    boundTlsHandshake(creds, this.settings.dialTimeoutMs);
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

  /** (3) Status with the fields etcd 3.6 added; `deadlineMs` instead of the request timeout (the dial timeout at open). */
  status(deadlineMs?: number): Promise<StatusResponse> {
    return this.rawUnary('Maintenance', 'Status', Buffer.alloc(0), decodeStatusResponse, { deadlineMs });
  }

  /**
   * A Range whose request is encoded and whose response is decoded by rangeWire.ts (keys and values
   * stay views into the response buffer: no per-key objects), for scans of millions of keys.
   * Aborting `signal` cancels the call.
   */
  rangeRaw(request: RangeWireRequest, signal?: AbortSignal): Promise<RawKvs> {
    return this.rawUnary('KV', 'Range', encodeRangeRequest(request), decodeRangeResponse, { signal });
  }

  /** (3) HashKV under its real method name, with etcd 3.6's hash_revision. */
  hashKv(revision: number): Promise<HashKvResponse> {
    return this.rawUnary('Maintenance', 'HashKV', encodeHashKvRequest(revision), decodeHashKvResponse);
  }

  /**
   * A unary call with our own (de)serialization on a pooled channel: the same host choice, auth
   * metadata, retry and circuit breakers as etcd3's calls; an expired auth token is renewed once.
   */
  private rawUnary<T>(
    service: string,
    method: string,
    request: Buffer,
    decode: (b: Buffer) => T,
    { signal, deadlineMs }: { signal?: AbortSignal; deadlineMs?: number } = {},
  ): Promise<T> {
    const pool = poolOf(this.client);
    const once = () => {
      const order = pool.shuffledHosts();
      return this.retryPolicy.execute(() =>
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
                { deadline: deadlineMs === undefined ? this.deadline() : Date.now() + deadlineMs },
                (err, res) =>
                  err || res === undefined ? reject(castGrpcError(err ?? new Error(`${method}: empty answer`))) : resolve(res),
              );
              if (signal) {
                const abort = () => call.cancel();
                signal.addEventListener('abort', abort, { once: true });
                call.on('status', () => signal.removeEventListener('abort', abort));
              }
            }),
          order,
        ),
      );
    };
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
  openSnapshotStream(signal?: AbortSignal): Promise<SnapshotStream> {
    const pool = poolOf(this.client);
    return pool.withConnection('Maintenance', ({ client, metadata, resource }) => {
      const Ctor = client.constructor as new (host: string, creds: grpc.ChannelCredentials, opts: grpc.ChannelOptions) => grpc.Client;
      const wide = new Ctor(resource.host, resource.channelCredentials, {
        ...resource.channelOptions,
        'grpc-node.flow_control_window': SNAPSHOT_WINDOW,
      });
      // A stream has no deadline, and grpc-js waits for a connection without a limit: the dial timeout bounds it.
      return untilReady(wide, this.settings.dialTimeoutMs, signal).then(() => {
        const stream = wide.makeServerStreamRequest(SNAPSHOT_METHOD, () => Buffer.alloc(0), decodeSnapshotResponse, {}, metadata, {});
        stream.on('error', (e: Error) => pool.markFailed(resource, castGrpcError(e)));
        stream.on('close', () => wide.close());
        return stream;
      });
    });
  }

  close(): void {
    this.client.close();
  }
}

/**
 * Resolves once `client`'s channel is connected. Fails (and closes the client) when it cannot connect
 * (TRANSIENT_FAILURE), after `ms`, or when `signal` aborts. Unlike grpc-js's waitForReady, it leaves no
 * timer behind that would keep a cancelled command alive until the deadline.
 */
function untilReady(client: grpc.Client, ms: number, signal?: AbortSignal): Promise<void> {
  const channel = client.getChannel();
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) return resolve();
      client.close();
      reject(err);
    };
    const timer = setTimeout(() => finish(castGrpcError(new Error(`deadline exceeded: no connection within ${ms} ms`))), ms);
    const onAbort = () => finish(signal?.reason ?? new Error('aborted'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const check = () => {
      if (done) return;
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) return finish();
      if (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.SHUTDOWN)
        return finish(castGrpcError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })));
      channel.watchConnectivityState(state, Infinity, check);
    };
    check();
  });
}

function stripScheme(host: string): string {
  return host.replace(/^[a-z]+:\/\//i, '');
}

/**
 * Whether a failed write may still have been applied: the request may have reached etcd and the
 * answer was lost (a timeout, a connection dropped after sending, etcd's own "request timed out").
 * A refusal (permission, NOSPACE, a bad request) or a call that never left is a definite "not applied".
 */
export function mayHaveApplied(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const err = castGrpcError(e);
  if (err instanceof GRPCDeadlineExceededError || err instanceof GRPCCancelledError) return true;
  if (/etcdserver: (request timed out|leader changed)/.test(err.message)) return true;
  return err instanceof GRPCUnavailableError && !neverSent(err) && !/etcdserver:/.test(err.message);
}

/**
 * etcd3 picks a random endpoint for each call and stream; with its deterministic order the last
 * endpoint is tried first. For tests that must put a stream on a given member (e.g. the one they kill).
 */
export function deterministicHostOrder(on: boolean): void {
  (ConnectionPool as unknown as { deterministicOrder: boolean }).deterministicOrder = on;
}
