// npm test: everything, on a fresh machine too. Installs what is missing (npm ci, apt, etcd 3.6/3.7
// built from Go modules, code-server), type-checks, lints, builds and packages, then runs the unit
// tests (plain Node against real etcd) once per etcd release (3.4, 3.6, 3.7), the integration tests
// (real extension host in code-server) and the UI tests (Chromium) on etcd 3.6.
// Ends with one "N passed, N failed" line; exits non-zero on any failure.
//   npm test [-- tools|unit|integration|e2e ...] [--etcd 3.4,3.6,3.7]   (layers and releases; default all)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureSetup } from './setup.mjs';

const argv = process.argv.slice(2);
const etcdFlag = argv.indexOf('--etcd');
const minors = etcdFlag >= 0 ? argv.splice(etcdFlag, 2)[1].split(',') : ['3.4', '3.6', '3.7'];
const UI_ETCD = '3.6';
const layers = argv.filter((a) => !a.startsWith('-'));
const want = (l) => layers.length === 0 || layers.includes(l);
const results = [];
let passed = 0;
let failed = 0;

/** Runs a command with inherited output, also capturing it for counting. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function step(name, cmd, args, count, env) {
  const t = Date.now();
  console.log(`\n=== ${name} ===`);
  const { code, out } = await run(cmd, args, env ? { env } : {});
  const c = count ? count(out) : { passed: 0, failed: 0 };
  if (code !== 0 && c.failed === 0) c.failed = 1; // a step that crashed counts as a failure
  passed += c.passed;
  failed += c.failed;
  results.push({ name, code, seconds: Math.round((Date.now() - t) / 100) / 10, ...c });
  return code === 0;
}

const nodeTestCounts = (out) => ({
  failures: [...out.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]).filter((n) => !/^out\//.test(n)),
  passed: Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0),
  failed: Number(/^# fail (\d+)/m.exec(out)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(out)?.[1] ?? 0),
});
const integrationCounts = (out) => {
  const m = /^integration: (\d+) passed, (\d+) failed/m.exec(out);
  return { passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0) };
};

const started = Date.now();
const ui = want('integration') || want('e2e');
const hosts = ensureSetup({
  components: [...new Set([...minors.map((m) => `etcd-${m}`), 'oracle', 'kube-apiserver', ...(ui ? [`etcd-${UI_ETCD}`, 'vscode'] : [])])],
});
/** The environment that points the harness (and etcdctl/etcdutl by name) at one etcd release. */
const etcdEnv = (minor) => ({ ...process.env, ETCD_STUDIO_ETCD: minor, PATH: `${hosts.etcd[minor].bin}:${process.env.PATH}` });
const node = process.execPath;
const ok = [
  await step('typecheck', node, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']),
  await step('typecheck (webviews)', node, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/webview']),
  await step('lint', node, ['node_modules/eslint/bin/eslint.js', 'src', 'test', 'bench']),
  await step('format (prettier --check)', node, ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', '.']),
  await step('package (.vsix)', node, ['scripts/package.mjs']),
  await step('build', node, ['esbuild.mjs', '--tests']),
].every(Boolean);

if (ok) {
  // TAP summary lines (# pass / # fail) come from the tap reporter; spec is for people.
  const reporters = (tap) => [
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
  ];
  const tapCounts = (tap) => () => nodeTestCounts(readFileSync(tap, 'utf8'));
  if (want('tools'))
    await step(
      'install tests (scripts/hosts.mjs)',
      node,
      ['--test', ...reporters('out/tap-tools.txt'), 'test/tools/'],
      tapCounts('out/tap-tools.txt'),
    );
  if (want('unit')) {
    for (const m of minors) {
      const tap = `out/tap-unit-${m}.txt`;
      await step(
        `unit tests on etcd ${hosts.etcd[m].version} (plain Node)`,
        node,
        ['--test', ...reporters(tap), 'out/test/unit/'],
        tapCounts(tap),
        etcdEnv(m),
      );
    }
  }
  const uiVersion = hosts.etcd[UI_ETCD].version;
  if (want('integration'))
    await step(
      `integration tests on etcd ${uiVersion} (extension host in code-server)`,
      node,
      ['out/test/harness/runIntegration.js'],
      integrationCounts,
      etcdEnv(UI_ETCD),
    );
  if (want('e2e'))
    await step(
      `UI tests on etcd ${uiVersion} (Chromium + code-server)`,
      node,
      ['--test', ...reporters('out/tap-e2e.txt'), 'out/test/e2e/'],
      tapCounts('out/tap-e2e.txt'),
      etcdEnv(UI_ETCD),
    );
}

console.log('\n=== summary ===');
for (const r of results) {
  console.log(
    `${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)${r.passed || r.failed ? `: ${r.passed} passed, ${r.failed} failed` : ''}`,
  );
  for (const f of r.failures ?? []) console.log(`       failed: ${f}`);
}
console.log(`total ${Math.round((Date.now() - started) / 1000)} s`);
mkdirSync('test-results', { recursive: true });
writeFileSync(path.join('test-results', 'summary.json'), JSON.stringify({ passed, failed, results }, null, 2));
const allOk = results.every((r) => r.code === 0) && failed === 0 && ok;
console.log(`${passed} passed, ${failed} failed`);
process.exit(allOk ? 0 : 1);
