// npm run bench -- <name> [--etcd 3.4|3.6|3.7] [--flag value]…  Builds, then runs one benchmark against
// that etcd release (default 3.6) with its own etcdctl/etcdutl first on PATH; the last line is JSON
// and names the release.
import { spawnSync } from 'node:child_process';
import { ensureSetup } from './setup.mjs';

const MINORS = ['3.4', '3.6', '3.7'];
const argv = process.argv.slice(2);
const at = argv.findIndex((a) => a === '--etcd' || a.startsWith('--etcd='));
const minor = at < 0 ? '3.6' : argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
if (!MINORS.includes(minor)) {
  console.error(`--etcd must be one of ${MINORS.join(', ')}, got "${minor}"`);
  process.exit(2);
}
// the codec benchmark runs apimachinery's serializer side by side (the Kubernetes oracle)
const hosts = ensureSetup({ components: [`etcd-${minor}`, 'oracle'] });
const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const env = { ...process.env, ETCD_STUDIO_ETCD: minor, PATH: `${hosts.etcd[minor].bin}:${process.env.PATH}` };
if (minor !== '3.4') delete env.ETCDCTL_API; // etcdctl 3.5+ warns about it
const r = spawnSync(process.execPath, ['out/bench/run.js', ...argv], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
