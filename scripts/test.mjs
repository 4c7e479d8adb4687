// npm test: everything, on a fresh machine too. Installs what is missing (npm ci, apt, code-server),
// type-checks, lints, builds and packages, then runs the unit tests (plain Node against real etcd),
// the integration tests (real extension host in code-server) and the UI tests (Chromium).
// Ends with one "N passed, N failed" line; exits non-zero on any failure.
//   npm test [-- unit|integration|e2e ...]   (layers to run; default all)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureSetup } from './setup.mjs';

const layers = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const want = (l) => layers.length === 0 || layers.includes(l);
const results = [];
let passed = 0;
let failed = 0;

/** Runs a command with inherited output, also capturing it for counting. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function step(name, cmd, args, count) {
  const t = Date.now();
  console.log(`\n=== ${name} ===`);
  const { code, out } = await run(cmd, args);
  const c = count ? count(out) : { passed: 0, failed: 0 };
  if (code !== 0 && c.failed === 0) c.failed = 1; // a step that crashed counts as a failure
  passed += c.passed;
  failed += c.failed;
  results.push({ name, code, seconds: Math.round((Date.now() - t) / 100) / 10, ...c });
  return code === 0;
}

const nodeTestCounts = (out) => ({
  passed: Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0),
  failed: Number(/^# fail (\d+)/m.exec(out)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(out)?.[1] ?? 0),
});
const integrationCounts = (out) => {
  const m = /^integration: (\d+) passed, (\d+) failed/m.exec(out);
  return { passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0) };
};

const started = Date.now();
ensureSetup({ hosts: want('integration') || want('e2e') ? 'all' : 'etcd' });
const node = process.execPath;
const ok = [
  await step('typecheck', node, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']),
  await step('lint', node, ['node_modules/eslint/bin/eslint.js', 'src', 'test', 'bench']),
  await step('package (.vsix)', node, ['scripts/package.mjs']),
  await step('build', node, ['esbuild.mjs', '--tests']),
].every(Boolean);

if (ok) {
  // TAP summary lines (# pass / # fail) come from the tap reporter; spec is for people.
  const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', '--test-reporter-destination=out/tap.txt'];
  const tapCounts = () => nodeTestCounts(readFileSync('out/tap.txt', 'utf8'));
  if (want('unit')) await step('unit tests (plain Node, real etcd)', node, ['--test', ...reporters, 'out/test/unit/'], tapCounts);
  if (want('integration')) await step('integration tests (extension host in code-server)', node, ['out/test/harness/runIntegration.js'], integrationCounts);
  if (want('e2e')) await step('UI tests (Chromium + code-server)', node, ['--test', ...reporters, 'out/test/e2e/'], tapCounts);
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)${r.passed || r.failed ? `: ${r.passed} passed, ${r.failed} failed` : ''}`);
console.log(`total ${Math.round((Date.now() - started) / 1000)} s`);
mkdirSync('test-results', { recursive: true });
writeFileSync(path.join('test-results', 'summary.json'), JSON.stringify({ passed, failed, results }, null, 2));
const allOk = results.every((r) => r.code === 0) && failed === 0 && ok;
console.log(`${passed} passed, ${failed} failed`);
process.exit(allOk ? 0 : 1);
