/**
 * The Maintenance.Snapshot stream of one member, with its messages decoded by hand. A 1 GB
 * snapshot arrives as ~32k messages of 32 KiB; the generic protobuf decoder copies every blob and
 * builds an object per message, which here is a zero-copy view into the received frame instead.
 */
import type { EtcdConnection } from '../etcd/connection';

export interface SnapshotChunk {
  /** Bytes etcd still has to send after this chunk (etcd's trailing SHA-256 not included). */
  remaining: number;
  blob: Buffer;
}

/** What the save loop needs of a grpc server stream (grpc-js ClientReadableStream has it all). */
export interface SnapshotStream {
  on(event: 'data', fn: (chunk: SnapshotChunk) => void): this;
  on(event: 'end', fn: () => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  pause(): this;
  resume(): this;
  cancel(): void;
}

const METHOD = '/etcdserverpb.Maintenance/Snapshot';
const EMPTY_REQUEST = Buffer.alloc(0);

function varint(buf: Buffer, at: { pos: number }): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (at.pos >= buf.length) break;
    const b = buf[at.pos++];
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 128;
  }
  throw new Error('malformed SnapshotResponse: a varint runs past the end of the message');
}

/** SnapshotResponse: header = 1 (skipped), remaining_bytes = 2 (uint64), blob = 3 (bytes). */
export function decodeSnapshotResponse(buf: Buffer): SnapshotChunk {
  const at = { pos: 0 };
  let remaining = 0;
  let blob: Buffer = EMPTY_REQUEST;
  while (at.pos < buf.length) {
    const tag = varint(buf, at);
    const wire = tag & 7;
    if (tag === 0x10) remaining = varint(buf, at);
    else if (wire === 0) varint(buf, at);
    else if (wire === 2) {
      const len = varint(buf, at);
      const end = at.pos + len;
      if (end > buf.length) throw new Error(`malformed SnapshotResponse: a field of ${len} bytes runs past the end of the message`);
      if (tag === 0x1a) blob = buf.subarray(at.pos, end);
      at.pos = end;
    } else if (wire === 1) at.pos += 8;
    else if (wire === 5) at.pos += 4;
    else throw new Error(`malformed SnapshotResponse: unknown wire type ${wire}`);
  }
  return { remaining, blob };
}

/**
 * Opens the stream on the member `conn` reaches. etcd3's `maintenance.snapshot()` passes its auth
 * metadata where grpc expects the request, so the token never reaches etcd and auth-enabled
 * clusters refuse the call; through the connection pool the metadata goes in grpc's order. Falls
 * back to the public call (decoded by etcd3) if etcd3's internals ever change shape.
 */
export async function openSnapshotStream(conn: EtcdConnection): Promise<SnapshotStream> {
  const pool = (conn.client.maintenance as any).client;
  if (pool && typeof pool.withConnection === 'function') {
    return pool.withConnection('Maintenance', ({ client, metadata, resource }: any) => {
      if (typeof client.makeServerStreamRequest !== 'function') return adapt(client.snapshot({}, metadata, {}));
      const wide = wideWindowClient(client, resource);
      const stream = (wide ?? client).makeServerStreamRequest(METHOD, () => EMPTY_REQUEST, decodeSnapshotResponse, {}, metadata, {});
      stream.on('error', (err: Error) => pool.markFailed?.(resource, err));
      if (wide) stream.on('close', () => wide.close());
      return stream;
    });
  }
  return adapt((await conn.client.maintenance.snapshot()) as any);
}

/**
 * HTTP/2 flow control: with grpc's default 64 KiB window, Node acknowledges every 32 KiB message
 * with WINDOW_UPDATE frames (a socket write each, ~32k per GB, measured as seconds of system time)
 * and etcd pauses whenever the client is busy. A channel of its own with a 16 MiB window
 * acknowledges every 8 MiB and lets etcd run ahead. Same host, credentials and options as the
 * pool's client, so TLS and server-name settings carry over; closed when the stream closes.
 */
const FLOW_CONTROL_WINDOW = 16 * 1024 * 1024;

function wideWindowClient(client: any, host: any): any {
  if (!host || typeof host.host !== 'string' || !host.channelCredentials) return undefined;
  try {
    return new client.constructor(host.host, host.channelCredentials, {
      ...host.channelOptions,
      'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
    });
  } catch {
    return undefined;
  }
}

/** Maps etcd3's decoded messages ({remaining_bytes, blob}) to chunks. */
function adapt(inner: any): SnapshotStream {
  const wrapper: SnapshotStream = {
    on(event: string, fn: (arg?: any) => void) {
      inner.on(event, event === 'data' ? (m: any) => fn({ remaining: Number(m.remaining_bytes), blob: m.blob }) : fn);
      return wrapper;
    },
    pause() {
      inner.pause();
      return wrapper;
    },
    resume() {
      inner.resume();
      return wrapper;
    },
    cancel() {
      inner.cancel();
    },
  } as SnapshotStream;
  return wrapper;
}
