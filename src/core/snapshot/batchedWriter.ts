/**
 * Sequential writes of many small chunks as few large `writev` calls, one in flight at a time.
 * A snapshot arrives in 32 KiB pieces; writing each one and awaiting it costs a thread-pool round
 * trip per piece and stalls the network stream meanwhile. Here the pieces are gathered (no copy)
 * while the previous batch is written, and the producer is told to pause only when a full batch
 * is waiting behind a write still in progress — memory stays at about two batches.
 */
import type { FileHandle } from 'node:fs/promises';

export const DEFAULT_BATCH_BYTES = 8 * 1024 * 1024;

export class BatchedWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private onDrain: (() => void) | undefined;
  /** Bytes handed to the file so far. */
  written = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly batchBytes = DEFAULT_BATCH_BYTES,
  ) {}

  /** Queues `buf` (kept by reference until written). False means: pause, and resume on `drain`. */
  push(buf: Buffer): boolean {
    if (this.failure) throw this.failure;
    if (!buf.length) return true;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= this.batchBytes && !this.writing) this.startWrite();
    return !(this.writing && this.pendingBytes >= this.batchBytes);
  }

  /** Calls `fn` once when the queue is below a batch again (after `push` returned false). */
  drain(fn: () => void): void {
    this.onDrain = fn;
  }

  /** Writes everything queued and waits for it; rethrows a write failure. */
  async finish(): Promise<void> {
    while (this.writing || this.pending.length) {
      if (!this.writing) this.startWrite();
      await this.writing;
    }
    if (this.failure) throw this.failure;
  }

  private startWrite(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = writeAll(this.fh, batch)
      .then(
        (n) => {
          this.written += n;
        },
        (e) => {
          this.failure = e;
        },
      )
      .finally(() => {
        this.writing = undefined;
        if (!this.failure && this.pendingBytes >= this.batchBytes) this.startWrite();
        const drain = this.onDrain;
        if (drain && (this.failure || !this.writing || this.pendingBytes < this.batchBytes)) {
          this.onDrain = undefined;
          drain();
        }
      });
  }
}

/** IOV_MAX is 1024 on Linux; a batch of 32 KiB pieces stays far below, larger batches are split. */
const MAX_IOVECS = 1024;

/** writev until every byte is written (a short write continues where it stopped). */
async function writeAll(fh: FileHandle, bufs: Buffer[]): Promise<number> {
  let total = 0;
  let rest = bufs;
  while (rest.length) {
    const slice = rest.slice(0, MAX_IOVECS);
    const want = slice.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await fh.writev(slice);
    total += bytesWritten;
    if (bytesWritten === 0) throw new Error('the disk accepted no more bytes');
    if (bytesWritten === want) {
      rest = rest.slice(slice.length);
      continue;
    }
    // Drop the fully written buffers and the written head of the next one.
    let skip = bytesWritten;
    let i = 0;
    while (skip >= rest[i].length) skip -= rest[i++].length;
    rest = [rest[i].subarray(skip), ...rest.slice(i + 1)];
  }
  return total;
}
