import { readFileSync } from 'node:fs';
import { EtcdStudioError } from '../errors';
import { Logger, silentLogger } from '../log';
import type {
  ClientSettings,
  Etcd3Rpc,
  IAlarmResponse,
  IAuthRoleGetResponse,
  IAuthRoleListResponse,
  IAuthStatusResponse,
  IAuthUserGetResponse,
  IAuthUserListResponse,
  ILeaseLeasesResponse,
  ILeaseTimeToLiveResponse,
  IMemberListResponse,
  IRangeRequest,
  IRangeResponse,
  ITxnRequest,
  ITxnResponse,
  RawWatchStream,
  SnapshotStream,
} from './etcd3Adapter';
import type { HashKvResponse, ResponseHeader, StatusResponse } from './etcdMessages';
import { requireFeature, supports } from './capabilities';
import { toUserError } from './grpcErrors';
import {
  ConnectionProfile,
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_TIME_MS,
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  validateProfile,
} from './profile';
import { v2Get, V2Node, v2Status, V2Status } from './v2Keys';
import { WriteOp, WriteResult, writeRequestOps } from './writes';
import type { RangeWireRequest, RawKvs } from './rangeWire';

/** What `etcdctl endpoint status` shows for one member, with ids in hex. */
export interface EndpointStatus {
  endpoint: string;
  clusterId: string;
  memberId: string;
  revision: number;
  raftTerm: number;
  raftIndex: number;
  raftAppliedIndex: number;
  version: string;
  dbSize: number;
  dbSizeInUse: number;
  leader: string;
  isLearner: boolean;
  errors: string[];
  /** etcd 3.6+: the storage schema version, the backend quota, and a downgrade in progress. */
  storageVersion?: string;
  dbSizeQuota?: number;
  downgrade?: { enabled: boolean; targetVersion: string };
  /** The response header as etcd sent it (decimal ids), for etcdctl's JSON. */
  header: ResponseHeader;
}

export interface ConnectOptions {
  password?: string;
  logger?: Logger;
}

/**
 * A change whose answer was lost (timeout, connection dropped after sending): it may or may not have
 * been applied, and it is not sent again. Callers that can check (a compare-and-swap put) re-read the key.
 */
function outcomeUnknown(what: string, e: unknown, endpoints: string[]): EtcdStudioError {
  const cause = toUserError(e, endpoints);
  return new EtcdStudioError(
    'OutcomeUnknown',
    `The outcome of ${what} is unknown: the request was sent to ${endpoints.join(', ')} but no answer arrived (${cause.code === 'Timeout' ? 'timeout' : 'connection lost'}), so etcd may or may not have applied it. It was not sent again; check the current state before retrying.`,
    cause.detail ?? cause.message,
  );
}

/** Hex form of etcd's uint64 ids, as etcdctl prints them. */
export function hexId(decimal: string | number | bigint): string {
  return BigInt(decimal).toString(16);
}

/** etcd's decimal form of a uint64 id given in hex (etcdctl prints and takes ids in hex). */
export function decimalId(hex: string, what = 'member id'): string {
  const clean = hex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(clean))
    throw new EtcdStudioError('InvalidArgument', `"${hex}" is not a ${what} (expected hex like 8e9e05c52164694d).`);
  return BigInt(`0x${clean}`).toString(10);
}

/** Reads a TLS file named in a profile; a missing or unreadable file says which setting to fix. */
export function readFileFor(what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new EtcdStudioError('InvalidArgument', `The ${what} file ${file} ${reason}. Fix the path in the connection settings.`);
  }
}

/** The client settings of a profile: TLS material read from disk, timeouts, credentials. */
export function clientSettings(profile: ConnectionProfile, opts: ConnectOptions = {}): ClientSettings {
  const p = validateProfile(profile);
  const settings: ClientSettings = {
    endpoints: p.endpoints,
    dialTimeoutMs: p.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
    requestTimeoutMs: p.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    keepaliveTimeMs: p.keepaliveTimeMs ?? DEFAULT_KEEPALIVE_TIME_MS,
    keepaliveTimeoutMs: p.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
  };
  const secure = p.endpoints.every((e) => e.startsWith('https://'));
  if ((p.cacert || p.cert) && !secure) {
    throw new EtcdStudioError('InvalidArgument', `Connection "${p.name}" has TLS files but http:// endpoints; use https:// endpoints.`);
  }
  if (secure) {
    settings.tls = {
      ...(p.cacert ? { ca: readFileFor('CA', p.cacert) } : {}),
      ...(p.key ? { key: readFileFor('client key', p.key) } : {}),
      ...(p.cert ? { cert: readFileFor('client certificate', p.cert) } : {}),
      ...(p.serverName ? { serverName: p.serverName } : {}),
      ...(p.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    };
  }
  if (p.username) {
    if (opts.password === undefined) {
      throw new EtcdStudioError('AuthFailed', `Connection "${p.name}" needs the password of user "${p.username}".`);
    }
    settings.auth = { username: p.username, password: opts.password };
  }
  return settings;
}

function toEndpointStatus(endpoint: string, s: StatusResponse): EndpointStatus {
  return {
    endpoint,
    clusterId: hexId(s.header.cluster_id),
    memberId: hexId(s.header.member_id),
    revision: Number(s.header.revision),
    raftTerm: Number(s.raftTerm),
    raftIndex: Number(s.raftIndex),
    raftAppliedIndex: Number(s.raftAppliedIndex),
    version: s.version,
    dbSize: Number(s.dbSize),
    dbSizeInUse: Number(s.dbSizeInUse),
    leader: hexId(s.leader),
    isLearner: s.isLearner,
    errors: s.errors,
    ...(s.storageVersion !== undefined ? { storageVersion: s.storageVersion } : {}),
    ...(s.dbSizeQuota !== undefined ? { dbSizeQuota: Number(s.dbSizeQuota) } : {}),
    ...(s.downgradeInfo ? { downgrade: s.downgradeInfo } : {}),
    header: s.header,
  };
}

/**
 * One live connection to a cluster: the only door to etcd. Every request has a deadline (nothing
 * hangs) and every failure becomes an actionable EtcdStudioError. Reads are methods of their own;
 * every change goes through `write`, which refuses on a read-only profile before anything is sent.
 * The etcd3 client inside is private (see etcd3Adapter.ts).
 *
 * Public API (kept stable for features built on it): `open`, `profile`, `serverVersion`, `status`,
 * `range`, `rangeTxn`, `txn`, `members`, `alarms`, `leases`, `leaseTimeToLive`, `hashKv`,
 * `authStatus`, `users`, `user`, `roles`, `role`,
 * `openWatchStream`, `openSnapshotStream`, `write`, `assertWritable`, `withMember`, `close`.
 */
export class EtcdConnection {
  readonly profile: ConnectionProfile;
  /** etcd's version as reported by the member that answered when the connection opened, e.g. "3.6.16". */
  readonly serverVersion: string;
  private readonly rpc: Etcd3Rpc;
  private readonly log: Logger;
  private readonly password: string | undefined;

  private constructor(profile: ConnectionProfile, rpc: Etcd3Rpc, opts: ConnectOptions, serverVersion: string) {
    this.profile = profile;
    this.rpc = rpc;
    this.log = opts.logger ?? silentLogger;
    this.password = opts.password;
    this.serverVersion = serverVersion;
  }

  /** Connects and proves it with one Status call, so errors surface here and not later. */
  static async open(profile: ConnectionProfile, opts: ConnectOptions = {}): Promise<EtcdConnection> {
    const p = validateProfile(profile);
    // The etcd client and gRPC load with the first connection, not with whatever imports this file.
    const { Etcd3Rpc } = await import('./etcd3Adapter');
    const rpc = new Etcd3Rpc(clientSettings(p, opts));
    const probe = new EtcdConnection(p, rpc, opts, '');
    try {
      // The dial timeout bounds connecting and the first answer (etcdctl --dial-timeout).
      const s = await probe.read('connect', () => rpc.status(p.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS));
      // Authentication is lazy in etcd3; check the password now (needs no permission on any key).
      if (p.username && opts.password !== undefined) await probe.read('authenticate', () => rpc.authenticate(p.username!, opts.password!));
      return new EtcdConnection(p, rpc, opts, s.version);
    } catch (e) {
      rpc.close();
      throw e;
    }
  }

  /** Runs one request, logging its duration and mapping failures to user errors. */
  private async call<T>(what: string, fn: () => Promise<T>, change = false): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn();
      this.log.trace(`${this.profile.name}: ${what} ${Date.now() - started} ms`);
      return result;
    } catch (e) {
      const err =
        change && this.rpc.mayHaveApplied(e) ? outcomeUnknown(what, e, this.profile.endpoints) : toUserError(e, this.profile.endpoints);
      this.log.warn(`${this.profile.name}: ${what} failed after ${Date.now() - started} ms: ${err.detail ?? err.message}`);
      throw err;
    }
  }

  /** A request that changes nothing: a member that is unreachable or does not answer in time is skipped for the next. */
  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.call(what, () => this.rpc.read(fn));
  }

  // --- reads ---

  /** Status of whichever member answers (like `etcdctl endpoint status` for one endpoint). */
  async status(): Promise<EndpointStatus> {
    return toEndpointStatus(this.profile.endpoints.join(','), await this.read('status', () => this.rpc.status()));
  }

  range(req: IRangeRequest, what = 'get'): Promise<IRangeResponse> {
    return this.read(what, () => this.rpc.range(req));
  }
  /**
   * One Range decoded in place (rangeWire.ts) for scans at scale; `what` names it in logs and
   * errors. Aborting `signal` cancels the request and throws a Cancelled error.
   */
  async rangeRaw(req: RangeWireRequest, what: string, signal?: AbortSignal): Promise<RawKvs> {
    const cancelled = () => new EtcdStudioError('Cancelled', `${what} was cancelled.`);
    if (signal?.aborted) throw cancelled();
    try {
      return await this.call(what, () => this.rpc.rangeRaw(req, signal));
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      throw e;
    }
  }

  /** Several ranges in one read-only transaction (one round trip, one revision). */
  async rangeTxn(ranges: IRangeRequest[], what = 'read txn'): Promise<IRangeResponse[]> {
    const res = await this.read(what, () => this.rpc.txn({ success: ranges.map((r) => ({ request_range: r })) }));
    return res.responses.map((r) => r.response_range);
  }

  /** A transaction: one that writes in either branch goes through `write`; one that only reads does not. */
  txn(req: ITxnRequest, what = 'txn'): Promise<ITxnResponse> {
    if (writeRequestOps(req)) return this.write(what, { op: 'txn', request: req });
    return this.read(what, () => this.rpc.txn(req));
  }

  /** The member list; linearizable (the default) is confirmed by the leader, serializable is the answering member's own view. */
  members(linearizable = true): Promise<IMemberListResponse> {
    return this.read(linearizable ? 'member list' : 'member list (serializable)', () => this.rpc.memberList(linearizable));
  }

  alarms(): Promise<IAlarmResponse> {
    return this.read('alarm list', () => this.rpc.alarmList());
  }

  leases(): Promise<ILeaseLeasesResponse> {
    return this.read('lease list', () => this.rpc.leaseLeases());
  }

  /** Time to live of a lease (id in decimal), with its keys when asked. */
  leaseTimeToLive(id: string, keys: boolean): Promise<ILeaseTimeToLiveResponse> {
    return this.read('lease time-to-live', () => this.rpc.leaseTimeToLive(id, keys));
  }

  /** Hash of the KV store up to `revision` (0: now) on the member this connection reaches. */
  hashKv(revision = 0): Promise<HashKvResponse> {
    return this.read('hashkv', () => this.rpc.hashKv(revision));
  }

  /** Whether auth is on (etcd 3.5+; 3.4 has no AuthStatus RPC: callers check capabilities first). */
  authStatus(): Promise<IAuthStatusResponse> {
    return this.read('auth status', () => this.rpc.authStatus());
  }

  /**
   * Whether auth is on. etcd 3.4 has no AuthStatus RPC; there etcd's answer to a sign-in that cannot succeed
   * tells ("authentication is not enabled" or "authentication failed"), which changes nothing on the server.
   */
  async authEnabled(): Promise<boolean> {
    if (supports(this.serverVersion, 'authStatus')) return (await this.authStatus()).enabled;
    try {
      await this.rpc.authenticate('etcd-studio-auth-probe', 'no password can match this');
      return true;
    } catch (e) {
      const text = String((e as Error).message ?? e);
      if (/authentication is not enabled/.test(text)) return false;
      if (/authentication failed|invalid user ID or password/.test(text)) return true;
      throw toUserError(e, this.profile.endpoints);
    }
  }

  users(): Promise<IAuthUserListResponse> {
    return this.read('user list', () => this.rpc.userList());
  }

  user(name: string): Promise<IAuthUserGetResponse> {
    return this.read(`user get ${name}`, () => this.rpc.userGet(name));
  }

  roles(): Promise<IAuthRoleListResponse> {
    return this.read('role list', () => this.rpc.roleList());
  }

  role(name: string): Promise<IAuthRoleGetResponse> {
    return this.read(`role get ${name}`, () => this.rpc.roleGet(name));
  }

  /**
   * The legacy v2 keyspace, read-only (GET /v2/keys over the same endpoints, TLS and user): whether the member
   * serves it, and one key or directory. Refused with the reason on etcd 3.6+, which removed it.
   */
  get v2(): { status(): Promise<V2Status>; get(key: string): Promise<V2Node | undefined> } {
    const settings = () => {
      requireFeature(this.serverVersion, 'v2Keyspace');
      return clientSettings(this.profile, { password: this.password });
    };
    return {
      status: () => this.call('v2 status', () => v2Status(settings())),
      get: (key) => this.call(`v2 get ${key}`, () => v2Get(settings(), key)),
    };
  }

  openWatchStream(): Promise<RawWatchStream> {
    return this.read('watch', () => this.rpc.openWatchStream());
  }

  /** The snapshot stream of the member this connection reaches; `signal` gives up waiting for its connection. */
  openSnapshotStream(signal?: AbortSignal): Promise<SnapshotStream> {
    return this.read('snapshot', () => this.rpc.openSnapshotStream(signal));
  }

  /** Maps a failure seen on one of the streams above to the same actionable error as a request's. */
  streamError(what: string, e: unknown): EtcdStudioError {
    const err = toUserError(e, this.profile.endpoints);
    this.log.warn(`${this.profile.name}: ${what} failed: ${err.detail ?? err.message}`);
    return err;
  }

  // --- the one door for changes ---

  /**
   * Every change to etcd goes through here: refused before anything is sent when the profile is
   * read-only, whoever calls (tree, editor, CLI, scripts, restore, leases, maintenance).
   */
  async write<O extends WriteOp>(what: string, op: O): Promise<WriteResult<O>> {
    this.assertWritable(what);
    return this.call(what, () => this.send(op), true) as Promise<WriteResult<O>>;
  }

  private send(op: WriteOp): Promise<unknown> {
    switch (op.op) {
      case 'put':
        return this.rpc.put(op.request);
      case 'delete':
        return this.rpc.deleteRange(op.request);
      case 'txn':
        return this.rpc.txn(op.request);
      case 'compact':
        return this.rpc.compact({ revision: op.revision, physical: op.physical });
      case 'leaseGrant':
        return this.rpc.leaseGrant(op.ttl);
      case 'leaseRevoke':
        return this.rpc.leaseRevoke(op.id);
      case 'leaseKeepAlive':
        return this.rpc.leaseKeepAliveOnce(op.id, op.timeoutMs ?? this.profile.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
      case 'memberAdd':
        return this.rpc.memberAdd(op.peerUrls, op.learner);
      case 'memberRemove':
        return this.rpc.memberRemove(op.id);
      case 'memberPromote':
        return this.rpc.memberPromote(op.id);
      case 'alarmDisarm':
        return this.rpc.alarmDisarm(op.memberId, op.alarm);
      case 'defragment':
        return this.rpc.defragment();
      case 'moveLeader':
        return this.rpc.moveLeader(op.targetId);
      case 'authEnable':
        return this.rpc.authEnable();
      case 'authDisable':
        return this.rpc.authDisable();
      case 'userAdd':
        return this.rpc.userAdd(op.name, op.password);
      case 'userDelete':
        return this.rpc.userDelete(op.name);
      case 'userChangePassword':
        return this.rpc.userChangePassword(op.name, op.password);
      case 'userGrantRole':
        return this.rpc.userGrantRole(op.name, op.role);
      case 'userRevokeRole':
        return this.rpc.userRevokeRole(op.name, op.role);
      case 'roleAdd':
        return this.rpc.roleAdd(op.name);
      case 'roleDelete':
        return this.rpc.roleDelete(op.name);
      case 'roleGrantPermission':
        return this.rpc.roleGrantPermission(op.name, { permType: op.permType, key: op.key, range_end: op.rangeEnd });
      case 'roleRevokePermission':
        return this.rpc.roleRevokePermission(op.name, op.key, op.rangeEnd);
    }
  }

  /**
   * Throws when the connection is read-only. `write` always checks; commands may call this first
   * to refuse before asking the user anything.
   */
  assertWritable(what: string): void {
    if (this.profile.readOnly) {
      throw new EtcdStudioError(
        'PermissionDenied',
        `Connection "${this.profile.name}" is read-only: ${what} is not allowed. Clear "readOnly" in its settings to write.`,
      );
    }
  }

  /**
   * Runs `fn` on a short-lived connection to one member (same profile and credentials), e.g. for
   * per-member status, defragment or the snapshot stream; closed afterwards.
   */
  async withMember<T>(
    endpoint: string,
    fn: (member: EtcdConnection) => Promise<T>,
    overrides: Partial<ConnectionProfile> = {},
  ): Promise<T> {
    const member = await EtcdConnection.open(
      { ...this.profile, ...overrides, endpoints: [endpoint] },
      { password: this.password, logger: this.log },
    );
    try {
      return await fn(member);
    } finally {
      member.close();
    }
  }

  /** The options to open another connection with the same credentials (per-endpoint checks). */
  get connectOptions(): ConnectOptions {
    return { password: this.password, logger: this.log };
  }

  close(): void {
    this.rpc.close();
  }
}
