import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Paths of a kubeadm-style etcd PKI (`/etc/kubernetes/pki/etcd/*`), generated with openssl at test time. */
export interface Pki {
  dir: string;
  ca: string;
  caKey: string;
  server: { cert: string; key: string };
  peer: { cert: string; key: string };
  healthcheckClient: { cert: string; key: string };
  apiserverClient: { cert: string; key: string };
  /** A client certificate signed by a different CA: etcd must reject it. */
  rogueClient: { cert: string; key: string };
  rogueCa: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${cn}`],
    dir,
  );
}

function makeLeaf(dir: string, ca: string, name: string, cn: string, usage: 'server' | 'client' | 'both'): void {
  const ext = [
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature,keyEncipherment',
    `extendedKeyUsage=${usage === 'server' ? 'serverAuth' : usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth'}`,
    usage === 'client' ? '' : 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]
    .filter(Boolean)
    .join('\n');
  writeFileSync(path.join(dir, `${name}.ext`), ext + '\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  signLeaf(dir, ca, name, 2);
}

/** Signs `name`.csr with the CA for `days` (negative: a certificate that expired that many days ago). */
function signLeaf(dir: string, ca: string, name: string, days: number): void {
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      String(days),
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

/** Creates a CA, server/peer certs (SAN 127.0.0.1, localhost) and client certs, like kubeadm names them. */
export function generatePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  makeCa(dir, 'ca', 'etcd-ca');
  makeLeaf(dir, 'ca', 'server', 'etcd-server', 'both');
  makeLeaf(dir, 'ca', 'peer', 'etcd-peer', 'both');
  makeLeaf(dir, 'ca', 'healthcheck-client', 'kube-etcd-healthcheck-client', 'client');
  makeLeaf(dir, 'ca', 'apiserver-etcd-client', 'kube-apiserver-etcd-client', 'client');
  makeCa(dir, 'rogue-ca', 'rogue-ca');
  makeLeaf(dir, 'rogue-ca', 'rogue-client', 'rogue-client', 'client');
  const pair = (n: string) => ({ cert: path.join(dir, `${n}.crt`), key: path.join(dir, `${n}.key`) });
  return {
    dir,
    ca: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    server: pair('server'),
    peer: pair('peer'),
    healthcheckClient: pair('healthcheck-client'),
    apiserverClient: pair('apiserver-etcd-client'),
    rogueClient: pair('rogue-client'),
    rogueCa: path.join(dir, 'rogue-ca.crt'),
  };
}

/**
 * Re-signs the server certificate (same key and names) to expire `days` from now; a negative number gives one that
 * expired that many days ago. etcd reads its certificate files at every TLS handshake, so a running member serves the
 * new certificate to the next connection, as after a real rotation (or a missed one).
 */
export function reissueServerCert(pki: Pki, days: number): void {
  signLeaf(pki.dir, 'ca', 'server', days);
}
