import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './tools';

/** The built `etcd-studio` (dist/cli.js), run with an argument list, `input` on stdin and only PATH plus `env`. */
export function runCli(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A command may stop reading early (an oversized input): its stdin then closes (EPIPE here).
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
