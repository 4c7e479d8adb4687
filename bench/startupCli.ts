/**
 * The CLI half of `npm run bench -- startup`: whole-process wall times of the packaged (production) CLI,
 * side by side with `node -e 0` (Node's own start-up, the floor) and with the release's
 * `snapshot status` tool (etcdutl on 3.5+, etcdctl on 3.4) on a ~20 MB and a large snapshot.
 * Every round runs each command once, in an order that rotates, so load on the shared machine hits
 * all of them alike; figures are medians.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sampleKeyspace } from '../src/core/demo/sampleKeyspace';
import { startEtcd } from '../test/harness/etcd';
import { rawClient } from '../test/harness/rawClient';
import { etcdTarget, etcdToolEnv, repoRoot } from '../test/harness/tools';
import { DEFAULT_SHAPE, loadKeyspace } from './keyspace';
import type { Figures } from './registry';
import type { BenchArgs } from './run';

type Cmd = [file: string, args: string[]];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Wall seconds of one process, start to exit; fails loudly on a non-zero exit. */
function wall([file, args]: Cmd, env: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return s;
}

/** Runs every command `rounds` times, rotating the order each round; medians in seconds by name. */
function sideBySide(cmds: Record<string, Cmd>, rounds: number, env: NodeJS.ProcessEnv): Record<string, number> {
  const names = Object.keys(cmds);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) wall(cmds[n], env); // warm-up: page cache, not timed
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + r) % names.length];
      times[n].push(wall(cmds[n], env));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

/** A snapshot of the Kubernetes-shaped bench keyspace with `keys` keys of `valueBytes`, saved by etcdctl. */
async function makeSnapshot(file: string, keys: number, valueBytes: number): Promise<number> {
  const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes', String(8 * 1024 ** 3)] });
  try {
    const raw = rawClient(etcd);
    await loadKeyspace(raw, { ...DEFAULT_SHAPE, keys, valueBytes });
    raw.close();
    execFileSync('etcdctl', ['--endpoints', etcd.endpoints[0], '--command-timeout', '600s', 'snapshot', 'save', file], {
      env: etcdToolEnv(),
      stdio: 'ignore',
    });
    return statSync(file).size;
  } finally {
    await etcd.stop();
  }
}

export async function runCli(args: BenchArgs): Promise<Figures> {
  const rounds = Math.max(5, args.number('rounds', 7));
  const root = repoRoot();
  // What users run: the production bundle (as packaged in the .vsix).
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
  const cli = path.join(root, 'dist', 'cli.js');
  const release = etcdTarget();
  const statusTool = release.etcdutl ? 'etcdutl' : 'etcdctl';
  const dir = mkdtempSync(path.join(tmpdir(), 'etcd-studio-bench-startup-'));
  try {
    const small = path.join(dir, 'small.db');
    const big = path.join(dir, 'big.db');
    const smallBytes = await makeSnapshot(small, args.number('small-keys', 25_000), DEFAULT_SHAPE.valueBytes);
    const bigBytes = await makeSnapshot(big, args.number('big-keys', 1_000_000), args.number('big-value-bytes', DEFAULT_SHAPE.valueBytes));
    const pod = sampleKeyspace().find((e) => e.key.startsWith('/registry/pods/'))!;
    const podFile = path.join(dir, 'pod.pb');
    writeFileSync(podFile, pod.value);

    const node = process.execPath;
    const env = etcdToolEnv();
    const fast = sideBySide(
      {
        node: [node, ['-e', '0']],
        help: [node, [cli, '--help']],
        version: [node, [cli, 'version']],
        decode: [node, [cli, 'decode', podFile]],
        status_small: [node, [cli, 'snapshot', 'status', small]],
        tool_status_small: [statusTool, ['snapshot', 'status', small]],
        ls_small: [node, [cli, 'snapshot', 'ls', small, '/registry/']],
        get_small: [node, [cli, 'snapshot', 'get', small, '/registry/pods/ns-0/obj-0', '-o', 'raw']],
      },
      rounds,
      env,
    );
    const large = sideBySide(
      { status_big: [node, [cli, 'snapshot', 'status', big]], tool_status_big: [statusTool, ['snapshot', 'status', big]] },
      5,
      env,
    );
    const helpRatio = fast.help / fast.node;
    const smallRatio = fast.status_small / fast.tool_status_small;
    const bigRatio = large.status_big / large.tool_status_big;
    return {
      rounds,
      status_tool: statusTool,
      node_e0_seconds: round(fast.node),
      help_seconds: round(fast.help),
      help_vs_node: round(helpRatio, 2),
      help_target_max_ratio: 1.5,
      help_meets_target: helpRatio <= 1.5 ? 1 : 0,
      version_seconds: round(fast.version),
      decode_pod_seconds: round(fast.decode),
      decode_vs_node: round(fast.decode / fast.node, 2),
      small_snapshot_mb: round(smallBytes / 1e6, 1),
      status_small_seconds: round(fast.status_small),
      tool_status_small_seconds: round(fast.tool_status_small),
      status_small_vs_tool: round(smallRatio, 2),
      status_small_target_max_ratio: 2,
      status_small_meets_target: smallRatio <= 2 ? 1 : 0,
      snapshot_ls_small_seconds: round(fast.ls_small),
      snapshot_get_small_seconds: round(fast.get_small),
      big_snapshot_mb: round(bigBytes / 1e6, 1),
      status_big_seconds: round(large.status_big),
      tool_status_big_seconds: round(large.tool_status_big),
      status_big_vs_tool: round(bigRatio, 2),
      status_big_meets_target: bigRatio < 1 ? 1 : 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
