/**
 * Real etcd servers for tests and benchmarks (the release chosen by ETCD_STUDIO_ETCD, on loopback): a plain single
 * node, a TLS single node with client-certificate auth (kubeadm-style PKI made with openssl at
 * run time), or a 3-member Raft cluster. Stopped by PID; data removed on stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchEtcd, LocalEtcd } from '../../src/core/etcd/localEtcd';
import { generatePki, Pki } from './pki';
import { etcdTarget, hostPaths } from './tools';

export { freePorts } from '../../src/core/etcd/localEtcd';

export interface EtcdTestCluster extends LocalEtcd {
  /** Set when started with `tls: true`. */
  pki?: Pki;
  /** TLS fields for a ConnectionProfile (healthcheck-client pair) when TLS is on. */
  tls?: { cacert: string; cert: string; key: string };
}

export interface StartOptions {
  members?: 1 | 3;
  tls?: boolean;
  extraArgs?: string[];
  /** One etcd binary per member (a mixed-release cluster); default the release under test for all. */
  binaries?: string[];
  /** Run this etcd release instead of the one ETCD_STUDIO_ETCD selects (e.g. Debian's 3.4 for --enable-v2). */
  release?: '3.4' | '3.6' | '3.7';
}

export async function startEtcd(opts: StartOptions = {}): Promise<EtcdTestCluster> {
  const root = mkdtempSync(path.join(tmpdir(), 'etcd-studio-test-'));
  const pki = opts.tls ? generatePki(path.join(root, 'pki')) : undefined;
  let etcd: LocalEtcd;
  try {
    etcd = await launchEtcd({
      binary: opts.release ? hostPaths().etcd[opts.release].etcd : etcdTarget().etcd,
      binaries: opts.binaries,
      dataRoot: root,
      members: opts.members ?? 1,
      extraArgs: opts.extraArgs,
      tls: pki && {
        ca: pki.ca,
        serverCert: pki.server.cert,
        serverKey: pki.server.key,
        peerCert: pki.peer.cert,
        peerKey: pki.peer.key,
        clientCert: pki.healthcheckClient.cert,
        clientKey: pki.healthcheckClient.key,
      },
    });
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return {
    ...etcd,
    pki,
    tls: pki && { cacert: pki.ca, cert: pki.healthcheckClient.cert, key: pki.healthcheckClient.key },
    async stop() {
      await etcd.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
