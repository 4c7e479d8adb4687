/**
 * Benchmark `startup`: what it costs to start etcd Studio (issue 14).
 *  - CLI (startupCli.ts): `--help` within 1.5x of `node -e 0`; `snapshot status` of a ~20 MB file within
 *    2x of the release's etcdutl (etcdctl on 3.4) and faster than it on a large file; decode, ls, get.
 *  - Extension (startupVscode.ts): activation in real VS Code (code-server + Chromium) as VS Code itself
 *    measures it, target < 100 ms, and the time until the Clusters view shows its first connection row.
 * Flags: --part cli|vscode|all (default all), --rounds N (default 7, at least 5), --small-keys N (25000),
 * --big-keys N (1000000: about 1 GB, the shape of `bench snapshot`), --big-value-bytes N (700).
 */
import type { Figures } from './registry';
import type { BenchArgs } from './run';
import { runCli } from './startupCli';
import { runVscode } from './startupVscode';

export async function run(args: BenchArgs): Promise<Figures> {
  const part = args.string('part', 'all');
  if (!['cli', 'vscode', 'all'].includes(part)) throw new Error(`--part must be cli, vscode or all, got "${part}"`);
  return {
    ...(part !== 'vscode' ? await runCli(args) : {}),
    ...(part !== 'cli' ? await runVscode(args) : {}),
  };
}
