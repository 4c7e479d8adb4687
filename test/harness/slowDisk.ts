/**
 * A member with a slow disk, for real: strace (installed by scripts/hosts.mjs) attaches to the etcd
 * process and delays every fdatasync/fsync it makes — the calls behind WAL fsync and bbolt commit —
 * by `delayMs`, the way a saturated or throttled disk would. Stopping strace detaches it; etcd runs on.
 */
import { spawn } from 'node:child_process';

export interface SlowDisk {
  stop(): Promise<void>;
}

export async function slowDisk(pid: number, delayMs: number): Promise<SlowDisk> {
  const us = String(Math.round(delayMs * 1000));
  const child = spawn(
    'strace',
    [
      '-f',
      '-e',
      'trace=fdatasync,fsync',
      '-e',
      `inject=fdatasync:delay_enter=${us}`,
      '-e',
      `inject=fsync:delay_enter=${us}`,
      '-o',
      '/dev/null',
      '-p',
      String(pid),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      // strace says "Process N attached" once per thread it traces.
      if (/attached/.test(stderr)) resolve();
    });
    child.once('error', (e) =>
      reject(new Error(`strace cannot run (${e.message}): run "node scripts/hosts.mjs install etcd-3.6", which installs it`)),
    );
    child.once('exit', (code) => reject(new Error(`strace exited with ${code} before attaching to ${pid}: ${stderr}`)));
  });
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await gone;
    },
  };
}
