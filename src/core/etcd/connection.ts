import { readFileSync } from 'node:fs';
import { checkServerIdentity, PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { circuitBreaker, ConsecutiveBreaker, handleWhen, retry } from 'cockatiel';
import { Etcd3, GRPCUnavailableError, IOptions } from 'etcd3';
import { EtcdStudioError } from '../errors';
import { Logger, silentLogger } from '../log';
import { toUserError } from './grpcErrors';
import { ConnectionProfile, DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, validateProfile } from './profile';

/** What `etcdctl endpoint status -w json` shows for one member, with ids in hex. */
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
}

export interface ConnectOptions {
  password?: string;
  logger?: Logger;
}

/** Hex form of etcd's uint64 ids, as etcdctl prints them. */
export function hexId(decimal: string | number | bigint): string {
  return BigInt(decimal).toString(16);
}

function readFileFor(what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new EtcdStudioError('InvalidArgument', `The ${what} file ${file} ${reason}. Fix the path in the connection settings.`);
  }
}

/**
 * One live connection to a cluster. Wraps etcd3 so every request has a deadline (nothing
 * hangs) and every failure becomes an actionable EtcdStudioError.
 */
export class EtcdConnection {
  readonly profile: ConnectionProfile;
  readonly client: Etcd3;
  private readonly log: Logger;
  /** How this connection authenticated, so per-member checks can open their own clients. */
  readonly connectOptions: ConnectOptions;

  private constructor(profile: ConnectionProfile, client: Etcd3, opts: ConnectOptions) {
    this.profile = profile;
    this.client = client;
    this.log = opts.logger ?? silentLogger;
    this.connectOptions = opts;
  }

  /** Builds etcd3 options for a profile: TLS material read from disk, timeouts, no receive limit. */
  static clientOptions(profile: ConnectionProfile, opts: ConnectOptions = {}, endpoints = profile.endpoints): IOptions {
    const p = validateProfile(profile);
    const requestTimeout = p.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const options: IOptions = {
      hosts: endpoints,
      dialTimeout: p.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
      // Large keys-only pages exceed grpc's default 4 MiB receive limit.
      grpcOptions: { 'grpc.max_receive_message_length': -1 },
      // Streams (watch, snapshot) run as long as they need; unary calls get a deadline.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeout }),
      // etcd3 by default retries timeouts and "quota exceeded" three times and then reports "circuit
      // breaker is open". Only an unreachable member is worth another try (on the next endpoint),
      // and only it pauses that endpoint.
      faultHandling: {
        global: retry(handleWhen(isUnavailable), { maxAttempts: Math.min(p.endpoints.length, 3) }),
        host: () => circuitBreaker(handleWhen(isUnavailable), { halfOpenAfter: 2000, breaker: new ConsecutiveBreaker(3) }),
      },
    };
    if (p.cacert || p.cert) {
      if (!p.endpoints.every((e) => e.startsWith('https://'))) {
        throw new EtcdStudioError('InvalidArgument', `Connection "${p.name}" has TLS files but http:// endpoints; use https:// endpoints.`);
      }
      options.credentials = {
        // Without an explicit CA, Node's default roots verify the server (verification stays on).
        rootCertificate: p.cacert ? readFileFor('CA', p.cacert) : (undefined as unknown as Buffer),
        privateKey: p.key ? readFileFor('client key', p.key) : undefined,
        certChain: p.cert ? readFileFor('client certificate', p.cert) : undefined,
      };
    }
    if (p.username) {
      if (opts.password === undefined) {
        throw new EtcdStudioError('AuthFailed', `Connection "${p.name}" needs the password of user "${p.username}".`);
      }
      options.auth = { username: p.username, password: opts.password };
    }
    return options;
  }

  /** Builds an etcd3 client with the profile's TLS choices (server name, skip-verify). */
  static createClient(profile: ConnectionProfile, opts: ConnectOptions = {}, endpoints = profile.endpoints): Etcd3 {
    const options = EtcdConnection.clientOptions(profile, opts, endpoints);
    const verify = tlsVerifyOptions(profile);
    if (!verify) return new Etcd3(options);
    if (profile.serverName) options.grpcOptions = { ...options.grpcOptions, 'grpc.ssl_target_name_override': profile.serverName };
    if (!options.credentials) options.credentials = { rootCertificate: undefined as unknown as Buffer };
    // etcd3 builds its TLS credentials inside its constructor and exposes no verify options;
    // pass ours through for exactly that synchronous call.
    const createSsl = grpc.credentials.createSsl;
    grpc.credentials.createSsl = (root, key, chain) => createSsl(root, key, chain, verify);
    try {
      return new Etcd3(options);
    } finally {
      grpc.credentials.createSsl = createSsl;
    }
  }

  /** Connects and proves it with one Status call, so errors surface here and not later. */
  static async open(profile: ConnectionProfile, opts: ConnectOptions = {}): Promise<EtcdConnection> {
    const p = validateProfile(profile);
    const client = EtcdConnection.createClient(p, opts);
    const conn = new EtcdConnection(p, client, opts);
    try {
      await conn.call('connect', () => client.maintenance.status());
      // Authentication is lazy in etcd3; check the password now (needs no permission on any key).
      if (p.username) await conn.call('authenticate', () => client.auth.authenticate({ name: p.username, password: opts.password }));
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /** Runs one request, logging its duration and mapping failures to user errors. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn();
      this.log.trace(`${this.profile.name}: ${what} ${Date.now() - started} ms`);
      return result;
    } catch (e) {
      const err = toUserError(e, this.profile.endpoints);
      this.log.warn(`${this.profile.name}: ${what} failed after ${Date.now() - started} ms: ${err.detail ?? err.message}`);
      throw err;
    }
  }

  /** Status of whichever member answers (like `etcdctl endpoint status` for one endpoint). */
  async status(): Promise<EndpointStatus> {
    const s = await this.call('status', () => this.client.maintenance.status());
    return {
      endpoint: this.profile.endpoints.join(','),
      clusterId: hexId(s.header.cluster_id),
      memberId: hexId(s.header.member_id),
      revision: Number(s.header.revision),
      raftTerm: Number(s.header.raft_term),
      raftIndex: Number(s.raftIndex),
      raftAppliedIndex: Number(s.raftAppliedIndex ?? 0),
      version: s.version,
      dbSize: Number(s.dbSize),
      dbSizeInUse: Number(s.dbSizeInUse ?? 0),
      leader: hexId(s.leader),
      isLearner: Boolean(s.isLearner),
      errors: s.errors ?? [],
    };
  }

  /** Throws before any write when the connection is read-only. */
  assertWritable(what: string): void {
    if (this.profile.readOnly) {
      throw new EtcdStudioError(
        'PermissionDenied',
        `Connection "${this.profile.name}" is read-only: ${what} is not allowed. Clear "readOnly" in its settings to write.`,
      );
    }
  }

  close(): void {
    this.client.close();
  }
}

/** The member could not be reached (not an answer like "etcdserver: unhealthy cluster", also code 14). */
function isUnavailable(e: Error): boolean {
  return e instanceof GRPCUnavailableError && !/etcdserver:/.test(e.message);
}

function tlsVerifyOptions(p: ConnectionProfile): grpc.VerifyOptions | undefined {
  if (p.insecureSkipVerify) return { rejectUnauthorized: false, checkServerIdentity: () => undefined };
  if (p.serverName) {
    const name = p.serverName;
    return { checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert) };
  }
  return undefined;
}
