/**
 * Benchmark runner: `npm run bench -- <name> [--etcd 3.4|3.6|3.7] [--flag value]…`. Runs
 * bench/<name>.ts's `run` and prints its named figures (plus the etcd release and peak RSS) as one
 * final JSON line.
 */
import { etcdTarget } from '../test/harness/tools';
import { load } from './registry';

export interface BenchArgs {
  number(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
}

function parse(argv: string[]): { name: string | undefined; args: BenchArgs } {
  const flags = new Map<string, string>();
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const [k, v] = argv[i].slice(2).split('=', 2);
      flags.set(k, v ?? argv[++i]);
    } else {
      name ??= argv[i];
    }
  }
  return {
    name,
    args: {
      number: (k, d) => {
        const v = flags.get(k);
        if (v === undefined) return d;
        const n = Number(v.replace(/_/g, ''));
        if (!Number.isFinite(n)) throw new Error(`--${k} must be a number, got "${v}"`);
        return n;
      },
      string: (k, d) => flags.get(k) ?? d,
    },
  };
}

async function main(): Promise<void> {
  const { name, args } = parse(process.argv.slice(2));
  const benches = load();
  if (!name || !benches[name]) {
    console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [--flag value]…`);
    process.exit(2);
  }
  const started = Date.now();
  const figures = await benches[name](args);
  const result = {
    bench: name,
    // The release the benchmark ran against (scripts/bench.mjs sets it from --etcd; tools of that release on PATH).
    etcd: name === 'codec' ? undefined : etcdTarget().version,
    ...figures,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    wall_seconds: (Date.now() - started) / 1000,
  };
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
