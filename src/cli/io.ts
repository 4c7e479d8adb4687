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
