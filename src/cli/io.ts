import { readFileSync, statSync } from 'node:fs';
import { EtcdStudioError } from '../core/errors';

/** The streams a CLI command uses; tests pass their own. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
}

/**
 * An AbortSignal that Ctrl-C (SIGINT) and SIGTERM (a CI job's timeout, systemd, `kill`) abort, so a long
 * command cleans up (a snapshot's FILE.part, a watch's stream) instead of dying mid-write. `dispose`
 * removes the handlers; `also` aborts it too (a test's signal).
 */
export function interruptSignal(also?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  also?.addEventListener('abort', stop, { once: true });
  return {
    signal: ac.signal,
    dispose() {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      also?.removeEventListener('abort', stop);
    },
  };
}

/**
 * The most a command reads from a FILE or stdin: etcd takes at most 1.5 MiB per request by default, and
 * YAML is a few times larger than the protobuf it encodes to; 12 MiB leaves room for that and keeps memory
 * bounded (a 50 MB input is refused before it is read, not after gigabytes of parsing).
 */
export const MAX_INPUT_BYTES = 12 * 1024 * 1024;

function tooLarge(what: string, size: string): EtcdStudioError {
  return new EtcdStudioError(
    'InvalidArgument',
    `${what} is ${size} bytes; etcd-studio reads at most ${MAX_INPUT_BYTES.toLocaleString('en-US')} bytes (etcd stores at most 1,572,864 bytes per request by default). Nothing was written.`,
  );
}

/** FILE's bytes, or stdin's with `-`; refused above `limit` (checked before reading a file, while reading stdin). */
export async function readInput(file: string, io: CliIo, limit = MAX_INPUT_BYTES): Promise<Buffer> {
  if (file !== '-') {
    try {
      const size = statSync(file).size;
      if (size > limit) throw tooLarge(file, size.toLocaleString('en-US'));
      return readFileSync(file);
    } catch (e) {
      if (e instanceof EtcdStudioError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new EtcdStudioError('InvalidArgument', `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
    }
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of io.stdin as AsyncIterable<Buffer | string>) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    total += b.length;
    if (total > limit) throw tooLarge('The input on stdin', `more than ${limit.toLocaleString('en-US')}`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Text of YAML/JSON input; invalid UTF-8 is refused (it would be stored as U+FFFD). */
export function utf8Text(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder().decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    throw new EtcdStudioError(
      'InvalidArgument',
      `${what} is not valid UTF-8 (line ${line}); YAML and JSON must be UTF-8. Fix the file's encoding, or write bytes as they are with --raw. Nothing was written.`,
    );
  }
}
