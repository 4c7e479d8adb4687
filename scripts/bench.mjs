// npm run bench -- <name> [--flag value]…  Builds, then runs one benchmark; the last line is JSON.
import { spawnSync } from 'node:child_process';
import { ensureSetup } from './setup.mjs';

ensureSetup({ components: ['etcd-3.4', 'etcd-3.6', 'etcd-3.7'] });
const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, ['out/bench/run.js', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
