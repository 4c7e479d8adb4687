/**
 * GET `/metrics` from a member's client URL with the connection's TLS choices (CA, client certificate,
 * server name, skip-verify): the same trust as the gRPC connection, so a kubeadm etcd that demands a
 * client certificate answers here too. Keeps one keep-alive agent per member for repeated scrapes.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { EtcdStudioError } from '../errors';
import { readFileFor } from '../etcd/connection';
import { ConnectionProfile, DEFAULT_REQUEST_TIMEOUT_MS } from '../etcd/profile';

export interface MetricsPage {
  text: string;
  /** The server certificate (with its issuer chain) when the URL is https. */
  peerCertificate?: PeerCertificate;
}

/** A scraper for one member URL; close() frees its sockets. */
export class MetricsScraper {
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly url: URL;
  private readonly timeoutMs: number;

  constructor(profile: ConnectionProfile, clientUrl: string) {
    this.url = new URL('/metrics', clientUrl);
    this.timeoutMs = profile.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (this.url.protocol === 'https:') {
      const host = this.url.hostname.replace(/^\[|\]$/g, '');
      const servername = profile.serverName ?? (isIP(host) ? undefined : host);
      this.agent = new HttpsAgent({
        keepAlive: true,
        maxSockets: 1,
        ca: profile.cacert ? readFileFor('CA', profile.cacert) : undefined,
        cert: profile.cert ? readFileFor('client certificate', profile.cert) : undefined,
        key: profile.key ? readFileFor('client key', profile.key) : undefined,
        servername,
        rejectUnauthorized: !profile.insecureSkipVerify,
      });
    } else {
      this.agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    }
  }

  scrape(signal?: AbortSignal): Promise<MetricsPage> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(this.url, { agent: this.agent, timeout: this.timeoutMs, signal }, (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate?.(true);
        if (res.statusCode !== 200) {
          res.resume();
          reject(new EtcdStudioError('Unavailable', `${this.url.href} answered HTTP ${res.statusCode}.`));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ text: Buffer.concat(chunks).toString('utf8'), peerCertificate: peer && peer.valid_to ? peer : undefined }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new EtcdStudioError('Timeout', `${this.url.href} did not answer within ${this.timeoutMs} ms.`)));
      req.on('error', (e) =>
        reject(e instanceof EtcdStudioError ? e : new EtcdStudioError('Unavailable', `Cannot read ${this.url.href}: ${e.message}`)),
      );
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
