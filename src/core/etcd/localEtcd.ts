/**
 * Launches real etcd servers on loopback (the demo cluster, tests, benchmarks): one member or
 * a Raft cluster, plain or TLS. Child processes are spawned with argument arrays and stopped by PID.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, AddressInfo, Server } from 'node:net';
import path from 'node:path';
import { EtcdStudioError } from '../errors';

export interface LocalEtcdTls {
  ca: string;
  serverCert: string;
  serverKey: string;
  peerCert: string;
  peerKey: string;
  /** A client pair used to poll /health when client-cert auth is on. */
  clientCert: string;
  clientKey: string;
}

export interface LocalEtcdOptions {
  /** The etcd binary (default `etcd` on PATH). */
  binary?: string;
  /** One binary per member instead (a mixed-release cluster, as during a rolling upgrade). */
  binaries?: string[];
  /** Folder that holds one data dir per member. */
  dataRoot: string;
  members?: number;
  tls?: LocalEtcdTls;
  /** Fixed client ports (else free ports are picked). */
  clientPorts?: number[];
  extraArgs?: string[];
  readyTimeoutMs?: number;
}

export interface LocalEtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  process: ChildProcess;
  /** Last lines etcd wrote, for error messages. */
  output: string[];
}

export type LocalEtcdMemberPlan = Pick<LocalEtcdMember, 'name' | 'clientUrl' | 'peerUrl' | 'dataDir'>;

export interface LocalEtcd {
  endpoints: string[];
  members: LocalEtcdMember[];
  /** SIGKILL one member, like a crash. */
  kill(index: number): Promise<void>;
  /** Names and ports for one more member; add it with MemberAdd (its peer URL), then `join` it. */
  planMember(): Promise<LocalEtcdMemberPlan>;
  /**
   * Starts a planned member that MemberAdd has added, with --initial-cluster-state existing and every
   * member's peer URL (as `etcdctl member add` tells you to); it is stopped with the others.
   */
  join(plan: LocalEtcdMemberPlan): LocalEtcdMember;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) {
      try {
        p.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** Asks the kernel for free loopback ports (listen on 0, read, close). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(t);
}

export async function launchEtcd(opts: LocalEtcdOptions): Promise<LocalEtcd> {
  killAllOnExit();
  const count = opts.members ?? 1;
  const scheme = opts.tls ? 'https' : 'http';
  const picked = await freePorts(count * 2);
  const clientPorts = opts.clientPorts ?? picked.slice(0, count);
  const peerPorts = picked.slice(count);
  const token = `etcd-studio-${path.basename(opts.dataRoot)}`;
  const defs = Array.from({ length: count }, (_, i) => ({
    name: `m${i + 1}`,
    clientUrl: `${scheme}://127.0.0.1:${clientPorts[i]}`,
    peerUrl: `${scheme}://127.0.0.1:${peerPorts[i]}`,
    dataDir: path.join(opts.dataRoot, `m${i + 1}.etcd`),
  }));
  const initialCluster = defs.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const start = (m: LocalEtcdMemberPlan, cluster: string, state: 'new' | 'existing', index = -1) =>
    spawnMember(
      opts.binaries?.[index] ?? opts.binary ?? 'etcd',
      m,
      memberArgs(m, { initialCluster: cluster, token, state, tls: opts.tls, extraArgs: opts.extraArgs }),
    );
  const members: LocalEtcdMember[] = defs.map((m, i) => start(m, initialCluster, 'new', i));
  const cluster: LocalEtcd = {
    endpoints: members.map((m) => m.clientUrl),
    members,
    async kill(index) {
      const p = members[index].process;
      if (p.exitCode === null && p.signalCode === null) {
        const gone = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await gone;
      }
    },
    async planMember() {
      const [client, peer] = await freePorts(2);
      const name = `m${members.length + 1}`;
      return {
        name,
        clientUrl: `${scheme}://127.0.0.1:${client}`,
        peerUrl: `${scheme}://127.0.0.1:${peer}`,
        dataDir: path.join(opts.dataRoot, `${name}.etcd`),
      };
    },
    join(plan) {
      const member = start(plan, [...members, plan].map((m) => `${m.name}=${m.peerUrl}`).join(','), 'existing');
      members.push(member);
      return member;
    },
    async stop() {
      await Promise.all(members.map((m) => stopProcess(m.process)));
    },
  };
  try {
    await Promise.all(members.map((m) => waitHealthy(m, opts.tls, opts.readyTimeoutMs ?? 20_000)));
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

interface MemberArgsOptions {
  initialCluster: string;
  token: string;
  state: 'new' | 'existing';
  tls?: LocalEtcdTls;
  extraArgs?: string[];
}

/** etcd's flags for one member on loopback (plain or TLS with client-certificate auth). */
function memberArgs(m: LocalEtcdMemberPlan, o: MemberArgsOptions): string[] {
  const tls = o.tls;
  return [
    '--name',
    m.name,
    '--data-dir',
    m.dataDir,
    '--listen-client-urls',
    m.clientUrl,
    '--advertise-client-urls',
    m.clientUrl,
    '--listen-peer-urls',
    m.peerUrl,
    '--initial-advertise-peer-urls',
    m.peerUrl,
    '--initial-cluster',
    o.initialCluster,
    '--initial-cluster-token',
    o.token,
    '--initial-cluster-state',
    o.state,
    '--logger',
    'zap',
    '--log-level',
    'warn',
    ...(tls
      ? [
          '--cert-file',
          tls.serverCert,
          '--key-file',
          tls.serverKey,
          '--trusted-ca-file',
          tls.ca,
          '--client-cert-auth',
          '--peer-cert-file',
          tls.peerCert,
          '--peer-key-file',
          tls.peerKey,
          '--peer-trusted-ca-file',
          tls.ca,
          '--peer-client-cert-auth',
        ]
      : []),
    ...(o.extraArgs ?? []),
  ];
}

/** Spawns one member (argument array, no shell), keeping its last output lines for error messages. */
function spawnMember(binary: string, m: LocalEtcdMemberPlan, args: string[]): LocalEtcdMember {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const member: LocalEtcdMember = { ...m, process: child, output: [] };
  const keep = (d: Buffer) => {
    member.output.push(...d.toString().split('\n').filter(Boolean));
    if (member.output.length > 50) member.output.splice(0, member.output.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  running.add(child);
  child.on('exit', () => running.delete(child));
  return member;
}

function getHealth(url: string, tls?: LocalEtcdTls): Promise<boolean> {
  return new Promise((resolve) => {
    const u = new URL('/health', url);
    const req = tls
      ? httpsRequest(u, {
          servername: 'localhost',
          ca: readFileSync(tls.ca),
          cert: readFileSync(tls.clientCert),
          key: readFileSync(tls.clientKey),
          timeout: 1000,
        })
      : httpRequest(u, { timeout: 1000 });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

async function waitHealthy(m: LocalEtcdMember, tls: LocalEtcdTls | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let spawnError: Error | undefined;
  m.process.once('error', (e) => (spawnError = e));
  while (Date.now() < deadline) {
    if (spawnError) {
      throw new EtcdStudioError(
        'InvalidArgument',
        `Cannot start etcd: ${spawnError.message}. Install etcd (Debian: apt-get install etcd-server) or set etcdStudio.etcdBinary.`,
      );
    }
    if (m.process.exitCode !== null) {
      throw new EtcdStudioError('Internal', `etcd ${m.name} exited with code ${m.process.exitCode}:\n${m.output.slice(-10).join('\n')}`);
    }
    if (await getHealth(m.clientUrl, tls)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EtcdStudioError(
    'Timeout',
    `etcd ${m.name} at ${m.clientUrl} was not healthy within ${timeoutMs / 1000} s:\n${m.output.slice(-10).join('\n')}`,
  );
}
