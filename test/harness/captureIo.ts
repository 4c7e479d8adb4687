import type { CliIo } from '../../src/cli/io';

/** A CliIo whose stdout and stderr are kept as text, for CLI commands run in-process. */
export function captureIo(env: NodeJS.ProcessEnv = {}): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdin: process.stdin,
      env,
      stdout: { write: (c: string | Uint8Array) => (out += c.toString()) },
      stderr: { write: (c: string) => (err += c) },
    },
    out: () => out,
    err: () => err,
  };
}
