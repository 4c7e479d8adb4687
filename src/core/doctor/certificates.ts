/**
 * Certificates a connection depends on: its CA bundle and client certificate (read from the files the
 * profile names) and the server certificate each member presents (captured from the TLS handshake of
 * the `/metrics` request). Only public certificates are read; private keys never leave the TLS stack.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { readFileFor } from '../etcd/connection';
import { ConnectionProfile } from '../etcd/profile';

export interface CertificateInfo {
  /** What it is, for a person: "CA file /etc/kubernetes/pki/etcd/ca.crt", "server certificate of m1". */
  source: string;
  subject: string;
  notAfter: Date;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function fromPemFile(what: string, file: string): CertificateInfo[] {
  const pem = readFileFor(what, file).toString('utf8');
  return (pem.match(PEM_BLOCK) ?? []).map((block) => {
    const c = new X509Certificate(block);
    return { source: `${what} ${file}`, subject: c.subject.replace(/\n/g, ', '), notAfter: new Date(c.validTo) };
  });
}

/** The CA bundle and client certificate of a profile (none for plain http:// connections). */
export function profileCertificates(profile: ConnectionProfile): CertificateInfo[] {
  return [
    ...(profile.cacert ? fromPemFile('CA file', profile.cacert) : []),
    ...(profile.cert ? fromPemFile('client certificate', profile.cert) : []),
  ];
}

/** The chain a member presented, leaf first, without repeating the self-signed root. */
export function peerChain(peer: PeerCertificate | undefined, member: string): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  const seen = new Set<string>();
  for (let c = peer as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined; c?.valid_to; c = c.issuerCertificate) {
    if (seen.has(c.fingerprint256)) break;
    seen.add(c.fingerprint256);
    const subject = Object.entries(c.subject ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    out.push({
      source: out.length === 0 ? `server certificate of ${member}` : `CA of ${member}'s server certificate`,
      subject,
      notAfter: new Date(c.valid_to),
    });
  }
  return out;
}
