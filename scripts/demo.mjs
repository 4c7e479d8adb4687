// npm run demo: a local etcd on loopback seeded with a Kubernetes-shaped keyspace, and VS Code
// (code-server) with the packaged extension and a ready "local-demo" connection. Prints the URL;
// Ctrl-C stops everything.   Options: --port N (code-server, default 8080), --etcd-port N (2379),
// --etcd 3.4|3.6|3.7 (the etcd release, default 3.6).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureSetup } from './setup.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const port = Number(arg('port', 8080));
const etcdPort = Number(arg('etcd-port', 2379));
const etcdMinor = arg('etcd', '3.6');
const t0 = Date.now();

const hosts = ensureSetup({ components: [`etcd-${etcdMinor}`, 'vscode'] });
const etcdHost = hosts.etcd[etcdMinor];
if (!etcdHost) {
  console.error(`--etcd ${etcdMinor}: expected 3.4, 3.6 or 3.7`);
  process.exit(2);
}

/** Refuses to start when a port is taken (another demo, or a real etcd on 2379), saying which flag moves it. */
async function requireFreePort(p, flag) {
  const free = await new Promise((resolve) => {
    const srv = createServer()
      .once('error', () => resolve(false))
      .listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  if (!free) {
    console.error(`demo: port 127.0.0.1:${p} is in use; stop what uses it or pick another with ${flag} N`);
    process.exit(1);
  }
}
await requireFreePort(port, '--port');
await requireFreePort(etcdPort, '--etcd-port');
await requireFreePort(etcdPort + 1, '--etcd-port');
execFileSync(process.execPath, ['scripts/package.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const vsix = path.resolve(`etcd-studio-${version}.vsix`);

const { node24, codeServer } = hosts;
const root = mkdtempSync(path.join(tmpdir(), 'etcd-studio-demo-'));
const children = [];

function cleanup() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  rmSync(root, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  console.log('\nstopping…');
  cleanup();
  process.exit(0);
});
process.on('SIGTERM', () => {
  cleanup();
  process.exit(0);
});
// `npm run demo` stopped by a signal to npm itself (npm does not pass SIGTERM on): when our parent goes away
// we are re-parented, and stop too instead of leaving etcd and code-server running.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    console.log('demo: the command that started it has ended; stopping…');
    cleanup();
    process.exit(0);
  }
}, 1000).unref();

function start(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env });
  let err = '';
  child.stderr.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(`${path.basename(cmd)} exited with ${code}:\n${err}`);
      cleanup();
      process.exit(1);
    }
  });
  children.push(child);
  return child;
}

// etcd on loopback only.
const endpoint = `http://127.0.0.1:${etcdPort}`;
const peer = `http://127.0.0.1:${etcdPort + 1}`;
start(etcdHost.etcd, [
  '--name',
  'demo',
  '--data-dir',
  path.join(root, 'demo.etcd'),
  '--listen-client-urls',
  endpoint,
  '--advertise-client-urls',
  endpoint,
  '--listen-peer-urls',
  peer,
  '--initial-advertise-peer-urls',
  peer,
  '--initial-cluster',
  `demo=${peer}`,
  '--logger',
  'zap',
  '--log-level',
  'warn',
]);
for (let i = 0; ; i++) {
  try {
    execFileSync(process.execPath, ['dist/cli.js', 'seed-sample', '--endpoints', endpoint], { stdio: ['ignore', 'inherit', 'pipe'] });
    break;
  } catch (e) {
    if (i > 50) {
      console.error(`etcd did not come up on ${endpoint}: ${e.stderr}`);
      cleanup();
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

// code-server with a quiet profile, the packaged extension, and the connection in user settings.
const ud = path.join(root, 'user-data');
const ext = path.join(root, 'extensions');
const ws = path.join(root, 'workspace');
for (const d of [path.join(ud, 'User'), ext, ws]) mkdirSync(d, { recursive: true });
writeFileSync(
  path.join(ud, 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'chat.disableAIFeatures': true,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'etcdStudio.connections': [{ name: 'local-demo', endpoints: [endpoint] }],
    },
    null,
    2,
  ),
);
writeFileSync(path.join(root, 'config.yaml'), '');
const env = { ...process.env, PATH: `${path.dirname(node24)}:${process.env.PATH}`, EXTENSIONS_GALLERY: '{}' };
execFileSync(node24, [codeServer, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix], { env, stdio: 'ignore' });
start(
  node24,
  [
    codeServer,
    '--config',
    path.join(root, 'config.yaml'),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    ud,
    '--extensions-dir',
    ext,
    ws,
  ],
  env,
);

for (let i = 0; ; i++) {
  const ok = await new Promise((resolve) =>
    get(`http://127.0.0.1:${port}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false)),
  );
  if (ok) break;
  if (i > 300) {
    console.error(`demo: code-server did not answer on 127.0.0.1:${port} within 60 s`);
    cleanup();
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}

console.log(`\netcd Studio demo is running (ready in ${Math.round((Date.now() - t0) / 1000)} s):
  VS Code (code-server): http://127.0.0.1:${port}/   (open it; the etcd Studio icon is in the activity bar)
  etcd ${etcdHost.version}:          ${endpoint}   e.g. ${etcdHost.etcdctl} --endpoints ${endpoint} get /registry --prefix --keys-only
  CLI:                   node dist/cli.js status --endpoints ${endpoint} -w table
Press Ctrl-C (or send SIGTERM to PID ${process.pid}) to stop both; nothing is left behind.`);
