/**
 * A TCP proxy in front of one etcd member that injects the network faults users meet: it passes bytes
 * both ways, freezes (stops forwarding but keeps every socket open, like a dead link or a hung host:
 * the kernel still accepts connections and buffers bytes, nothing answers), drops the reply of the next
 * request (the request reaches etcd and is applied, the answer is thrown away and the connection reset,
 * like a link that dies just after the commit), or resets every connection. Plain Node `net`; the
 * bytes are never parsed or altered (TLS passes through unchanged).
 */
import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A request is at least a gRPC HEADERS frame (path, content-type, te…); pings and window updates are shorter. */
const MIN_REQUEST_BYTES = 40;

export interface FaultProxy {
  /** The proxy's client URL (same scheme as the member's). */
  readonly url: string;
  /** Forward bytes both ways (the default); bytes held while frozen are delivered now. */
  pass(): void;
  /** Stop forwarding in both directions; sockets stay open and new connections are accepted but not served. */
  freeze(): void;
  /** Connections from the `n`th accepted on (1-based) are frozen; those before pass. */
  freezeFrom(n: number): void;
  /**
   * The next request (on any connection; with `marker`, the next one whose bytes contain it) reaches etcd,
   * but what etcd sends back on that connection is discarded and, `resetAfterMs` later, the connection is
   * reset. Resolves once a reply was dropped.
   */
  dropNextReply(opts?: { marker?: Buffer; resetAfterMs?: number }): Promise<void>;
  /** Resets (RST) every open connection; new connections are served as before. */
  reset(): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  dropping: boolean;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const url = new URL(target);
  const pairs = new Set<Pair>();
  let frozen = false;
  let freezeFromN = Infinity;
  let accepted = 0;
  let armed: { marker?: Buffer; resetAfterMs: number; done: () => void } | undefined;

  const destroy = (p: Pair) => {
    pairs.delete(p);
    p.client.resetAndDestroy();
    p.upstream.resetAndDestroy();
  };

  const server: Server = createServer((client) => {
    accepted++;
    const upstream = new Socket();
    const p: Pair = { client, upstream, dropping: false };
    pairs.add(p);
    const freezeThis = frozen || accepted >= freezeFromN;
    if (freezeThis) client.pause();
    upstream.connect(Number(url.port), url.hostname);
    if (freezeThis) upstream.pause();
    client.on('data', (chunk: Buffer) => {
      if (armed && !p.dropping && (armed.marker ? chunk.includes(armed.marker) : chunk.length >= MIN_REQUEST_BYTES)) {
        const a = armed;
        armed = undefined;
        p.dropping = true;
        upstream.once('data', () => {
          a.done();
          setTimeout(() => destroy(p), a.resetAfterMs);
        });
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!p.dropping) client.write(chunk);
    });
    const end = () => destroy(p);
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${url.protocol}//127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    pass() {
      frozen = false;
      freezeFromN = Infinity;
      for (const p of pairs) {
        p.client.resume();
        p.upstream.resume();
      }
    },
    freeze() {
      frozen = true;
      for (const p of pairs) {
        p.client.pause();
        p.upstream.pause();
      }
    },
    freezeFrom(n) {
      freezeFromN = n;
    },
    dropNextReply(opts = {}) {
      return new Promise<void>((done) => (armed = { marker: opts.marker, resetAfterMs: opts.resetAfterMs ?? 300, done }));
    },
    reset() {
      for (const p of [...pairs]) destroy(p);
    },
    async close() {
      for (const p of [...pairs]) destroy(p);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
