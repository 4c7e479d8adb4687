import { EtcdStudioError } from '../errors';

/** A saved connection (the `etcdStudio.connections` setting, or CLI flags). Never holds a password. */
export interface ConnectionProfile {
  name: string;
  /** Client URLs; several give failover. All http:// or all https://. */
  endpoints: string[];
  /** CA bundle (etcdctl --cacert). */
  cacert?: string;
  /** Client certificate and key (etcdctl --cert / --key). */
  cert?: string;
  key?: string;
  /** TLS server name to verify instead of the endpoint host (etcdctl has none; grpc authority override). */
  serverName?: string;
  /** Accept any server certificate (etcdctl --insecure-skip-tls-verify). Off by default; shown as a warning. */
  insecureSkipVerify?: boolean;
  username?: string;
  /** No write command or save is possible through this connection. */
  readOnly?: boolean;
  /** Only keys under this prefix are shown (e.g. `/registry/`). */
  prefix?: string;
  /** kube-apiserver's EncryptionConfiguration file: encrypted values are decrypted for viewing (read-only). */
  encryptionConfig?: string;
  /** Milliseconds to wait for the first connection (etcdctl --dial-timeout, default 5 s). */
  dialTimeoutMs?: number;
  /** Milliseconds a single request may take (etcdctl --command-timeout, default 5 s). */
  requestTimeoutMs?: number;
  /** Milliseconds between gRPC keepalive pings while a stream is open (etcdctl --keepalive-time, default 10 s). */
  keepaliveTimeMs?: number;
  /** Milliseconds to wait for a ping's answer before dropping the connection (etcdctl --keepalive-timeout, default 6 s). */
  keepaliveTimeoutMs?: number;
}

export const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** etcdctl's keepalive as gRPC-Go applies it (its 2 s --keepalive-time is raised to gRPC's 10 s minimum). */
export const DEFAULT_KEEPALIVE_TIME_MS = 10_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 6_000;

/** Checks a profile's shape; throws a message naming the bad field. */
export function validateProfile(p: ConnectionProfile): ConnectionProfile {
  if (!p.name || !p.name.trim()) throw new EtcdStudioError('InvalidArgument', 'A connection needs a name.');
  if (!Array.isArray(p.endpoints) || p.endpoints.length === 0) {
    throw new EtcdStudioError('InvalidArgument', `Connection "${p.name}" has no endpoints: add at least one, e.g. https://127.0.0.1:2379.`);
  }
  const endpoints = p.endpoints.map((e) => normalizeEndpoint(e, p.name));
  const secure = endpoints.filter((e) => e.startsWith('https://')).length;
  if (secure !== 0 && secure !== endpoints.length) {
    throw new EtcdStudioError('InvalidArgument', `Connection "${p.name}" mixes http:// and https:// endpoints; use one scheme for all.`);
  }
  if ((p.cert && !p.key) || (p.key && !p.cert)) {
    throw new EtcdStudioError('InvalidArgument', `Connection "${p.name}": a client certificate needs both cert and key.`);
  }
  return { ...p, endpoints };
}

/** An endpoint for messages: a password in it (`https://user:secret@host`) is masked. */
export function maskEndpoint(endpoint: string): string {
  return endpoint.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}

/** Accepts `host:port` like etcdctl does (meaning http://) and checks the URL parses. */
export function normalizeEndpoint(raw: string, profileName = ''): string {
  const e = raw.trim();
  const endpoint = maskEndpoint(e);
  const withScheme = /^[a-z]+:\/\//i.test(e) ? e : `http://${e}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new EtcdStudioError(
      'InvalidArgument',
      `Connection "${profileName}": "${endpoint}" is not a valid endpoint URL (expected e.g. https://10.0.0.1:2379).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EtcdStudioError('InvalidArgument', `Connection "${profileName}": endpoint "${endpoint}" must use http:// or https://.`);
  }
  if (!url.port) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `Connection "${profileName}": endpoint "${endpoint}" has no port (etcd's client port is usually 2379).`,
    );
  }
  if (url.username || url.password) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `Connection "${profileName}": endpoint "${endpoint}" carries credentials; give the user with --user (the password through ETCDCTL_PASSWORD or a prompt), not in the URL.`,
    );
  }
  return `${url.protocol}//${url.host}`;
}
