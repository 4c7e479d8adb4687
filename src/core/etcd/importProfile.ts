/**
 * Connection profiles from what a control-plane node already has: kubeadm's etcd static-pod
 * manifest, kube-apiserver's --etcd-* flags (its manifest or a command line), and etcdctl's
 * ETCDCTL_* environment variables.
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EtcdStudioError } from '../errors';
import { ConnectionProfile } from './profile';

/** `--name=value` and `--name value` pairs from a command line or a container's command/args. */
export function parseFlags(words: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const m = /^--?([\w-]+)(?:=(.*))?$/.exec(words[i]);
    if (!m) continue;
    if (m[2] !== undefined) flags.set(m[1], m[2]);
    else if (i + 1 < words.length && !words[i + 1].startsWith('-')) flags.set(m[1], words[++i]);
    else flags.set(m[1], 'true');
  }
  return flags;
}

/** Splits a shell-like command line (quotes and backslash-newlines), without running a shell. */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of text.replace(/\\\r?\n/g, ' ').matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/** The command words of every container in a Pod manifest (static pods are plain Pods). */
function manifestWords(text: string, what: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new EtcdStudioError('InvalidArgument', `The ${what} is not valid YAML: ${(e as Error).message}`);
  }
  const containers = (doc as { spec?: { containers?: Array<{ command?: string[]; args?: string[] }> } })?.spec?.containers;
  if (!Array.isArray(containers))
    throw new EtcdStudioError('InvalidArgument', `The ${what} has no spec.containers: is it a static-pod manifest?`);
  return containers.flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
}

function urls(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * kubeadm's `/etc/kubernetes/manifests/etcd.yaml`: endpoints from --advertise-client-urls (plus
 * loopback from --listen-client-urls), CA from --trusted-ca-file, and the client pair kubeadm puts
 * next to it (healthcheck-client.crt/.key) — the server's own cert is not a client cert.
 */
export function profileFromEtcdManifest(text: string, name = 'kubeadm-etcd'): ConnectionProfile {
  const flags = parseFlags(manifestWords(text, 'etcd manifest'));
  const endpoints = [...new Set([...urls(flags.get('advertise-client-urls')), ...urls(flags.get('listen-client-urls'))])];
  if (!endpoints.length)
    throw new EtcdStudioError('InvalidArgument', 'The etcd manifest has no --advertise-client-urls or --listen-client-urls.');
  const ca = flags.get('trusted-ca-file');
  const pkiDir = ca ? path.dirname(ca) : undefined;
  return {
    name,
    endpoints,
    ...(ca ? { cacert: ca } : {}),
    ...(pkiDir && flags.get('client-cert-auth') !== 'false'
      ? { cert: path.join(pkiDir, 'healthcheck-client.crt'), key: path.join(pkiDir, 'healthcheck-client.key') }
      : {}),
  };
}

/** kube-apiserver's --etcd-servers / --etcd-cafile / --etcd-certfile / --etcd-keyfile, from its manifest or a command line. */
export function profileFromApiserver(text: string, name = 'kube-apiserver-etcd'): ConnectionProfile {
  const words = /^\s*(apiVersion|kind|spec|metadata)\s*:/m.test(text)
    ? manifestWords(text, 'kube-apiserver manifest')
    : splitCommandLine(text);
  const flags = parseFlags(words);
  const endpoints = urls(flags.get('etcd-servers'));
  if (!endpoints.length) throw new EtcdStudioError('InvalidArgument', 'No --etcd-servers flag found in the kube-apiserver flags.');
  const profile: ConnectionProfile = { name, endpoints };
  if (flags.get('etcd-cafile')) profile.cacert = flags.get('etcd-cafile');
  if (flags.get('etcd-certfile')) profile.cert = flags.get('etcd-certfile');
  if (flags.get('etcd-keyfile')) profile.key = flags.get('etcd-keyfile');
  if (flags.get('etcd-prefix')) profile.prefix = flags.get('etcd-prefix')!.replace(/\/?$/, '/');
  return profile;
}

/** etcdctl's environment: ETCDCTL_ENDPOINTS, _CACERT, _CERT, _KEY, _USER, _INSECURE_SKIP_TLS_VERIFY, _DIAL_TIMEOUT. */
export function profileFromEnv(
  env: NodeJS.ProcessEnv,
  name = 'etcdctl-env',
): { profile: ConnectionProfile; password?: string } | undefined {
  if (!env.ETCDCTL_ENDPOINTS) return undefined;
  let username = env.ETCDCTL_USER;
  let password = env.ETCDCTL_PASSWORD;
  if (username?.includes(':') && password === undefined) {
    password = username.slice(username.indexOf(':') + 1);
    username = username.slice(0, username.indexOf(':'));
  }
  const profile: ConnectionProfile = { name, endpoints: urls(env.ETCDCTL_ENDPOINTS) };
  if (env.ETCDCTL_CACERT) profile.cacert = env.ETCDCTL_CACERT;
  if (env.ETCDCTL_CERT) profile.cert = env.ETCDCTL_CERT;
  if (env.ETCDCTL_KEY) profile.key = env.ETCDCTL_KEY;
  if (username) profile.username = username;
  if (env.ETCDCTL_INSECURE_SKIP_TLS_VERIFY === 'true') profile.insecureSkipVerify = true;
  if (env.ETCDCTL_DIAL_TIMEOUT) profile.dialTimeoutMs = parseDuration(env.ETCDCTL_DIAL_TIMEOUT);
  if (env.ETCDCTL_COMMAND_TIMEOUT) profile.requestTimeoutMs = parseDuration(env.ETCDCTL_COMMAND_TIMEOUT);
  return { profile, password };
}

/** Go-style durations as etcdctl takes them: `2s`, `500ms`, `1m`. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new EtcdStudioError('InvalidArgument', `"${v}" is not a duration (use e.g. 5s or 500ms).`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}
