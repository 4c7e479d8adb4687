/**
 * A real kube-apiserver (built from k8s.io/kubernetes by scripts/hosts.mjs, component kube-apiserver) on a
 * test etcd: loopback only, a self-signed serving certificate it makes itself, a static bearer token with
 * AlwaysAllow authorization, no endpoint reconciler. Stopped by PID; its files removed on stop.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePorts } from './etcd';
import { hostPaths } from './tools';

export interface KubeApiserver {
  url: string;
  request(method: string, apiPath: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  stop(): Promise<void>;
}

const TOKEN = 'etcd-studio-test-token';

export async function startKubeApiserver(etcdEndpoints: string[]): Promise<KubeApiserver> {
  const bin = hostPaths().kubeApiserver;
  if (!existsSync(bin)) {
    throw new Error(
      `kube-apiserver is not built (expected ${bin}): run "node scripts/hosts.mjs install kube-apiserver" (npm test does it for you)`,
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-kube-apiserver-'));
  execFileSync('openssl', ['genrsa', '-out', path.join(dir, 'sa.key'), '2048'], { stdio: 'ignore' });
  writeFileSync(path.join(dir, 'tokens.csv'), `${TOKEN},admin,admin-uid,system:masters\n`);
  const [port] = await freePorts(1);
  const args = [
    `--etcd-servers=${etcdEndpoints.join(',')}`,
    `--secure-port=${port}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--cert-dir=${path.join(dir, 'certs')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${path.join(dir, 'sa.key')}`,
    `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
    '--authorization-mode=AlwaysAllow',
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `https://127.0.0.1:${port}`;
  let ca: Buffer | undefined;
  const request = (method: string, apiPath: string, body?: unknown): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      // the serving certificate is self-signed: trust exactly it
      ca ??= readFileSync(path.join(dir, 'certs', 'apiserver.crt'));
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(
        `${url}${apiPath}`,
        {
          method,
          ca,
          headers: {
            Authorization: `Bearer ${TOKEN}`,
            Accept: 'application/json',
            ...(data ? { 'Content-Type': 'application/json' } : {}),
          },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: unknown = text;
            try {
              json = JSON.parse(text);
            } catch {
              // not JSON (e.g. readyz's "ok")
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`${method} ${apiPath} timed out`)));
      req.end(data);
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`kube-apiserver exited (${child.exitCode}); its log ends:\n${log.slice(-3000)}`);
    }
    try {
      if (existsSync(path.join(dir, 'certs', 'apiserver.crt')) && (await request('GET', '/readyz')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kube-apiserver was not ready within 90 s; its log ends:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, request, stop };
}
