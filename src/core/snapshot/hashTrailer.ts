/**
 * etcd's integrity trailer: `snapshot save` files end with the SHA-256 of everything before it,
 * and restore tells them apart by size (a bbolt file is whole pages, a multiple of 512 bytes; a
 * saved snapshot is 32 bytes more). A raw `member/snap/db` copy has no trailer, which is why
 * `snapshot restore` wants --skip-hash-check for it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { EtcdStudioError } from '../errors';

const SHA256_BYTES = 32;

export interface HashTrailer {
  /** The size says a trailer is there (etcd's own test: size % 512 == 32). */
  present: boolean;
  /** Present and equal to the SHA-256 of the rest of the file. */
  valid: boolean;
}

/** Reads the whole file once (streamed, cancellable) to check its trailer, like restore does. */
export async function checkHashTrailer(file: string, opts: { signal?: AbortSignal } = {}): Promise<HashTrailer> {
  const size = (await stat(file)).size;
  if (size % 512 !== SHA256_BYTES) return { present: false, valid: false };
  const hash = createHash('sha256');
  const body = size - SHA256_BYTES;
  const trailer = Buffer.alloc(SHA256_BYTES);
  let pos = 0;
  const stream = createReadStream(file, { highWaterMark: 4 * 1024 * 1024, signal: opts.signal });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const inBody = Math.max(0, Math.min(chunk.length, body - pos));
      if (inBody) hash.update(chunk.subarray(0, inBody));
      if (inBody < chunk.length) chunk.copy(trailer, pos + inBody - body, inBody);
      pos += chunk.length;
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new EtcdStudioError('Cancelled', `Checking ${file} was cancelled.`);
    throw e;
  }
  return { present: true, valid: hash.digest().equals(trailer) };
}
