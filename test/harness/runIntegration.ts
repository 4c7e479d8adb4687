/**
 * Runs the mocha suites in test/integration inside a real extension host, next to a real etcd.
 * Host: code-server + Chromium (default, works offline) or, with ETCD_STUDIO_TEST_HOST=electron,
 * a downloaded VS Code through @vscode/test-electron. The suites do not care which.
 *   node out/test/harness/runIntegration.js
 */
import path from 'node:path';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { startEtcd } from './etcd';
import { launchChromium } from './browser';
import { oracleBinary } from './oracle';
import { startCodeServer } from './codeServer';
import { repoRoot } from './tools';

const TIMEOUT_MS = 10 * 60_000;

async function runInCodeServer(extensionRoot: string, testsIndex: string, env: Record<string, string>): Promise<number> {
  const cs = await startCodeServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    let finish!: (code: number) => void;
    const done = new Promise<number>((r) => (finish = r));
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    let passed = 0;
    let failed = 0;
    await page.exposeFunction('codeAutomationLog', (_level: string, msg: unknown) => {
      for (const line of (Array.isArray(msg) ? msg : [msg]).map(String)) {
        if (/additional builtin extensions/.test(line)) continue;
        const m = /^\s*(\d+) (passing|failing)/.exec(line);
        if (m && m[2] === 'passing') passed = Number(m[1]);
        if (m && m[2] === 'failing') failed = Number(m[1]);
        console.log(line);
      }
    });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionRoot)],
      ['extensionTestsPath', remote(testsIndex)],
      ['extensionEnvironment', JSON.stringify(env)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timer = setTimeout(() => {
      console.error(
        `integration tests did not finish within ${TIMEOUT_MS / 60000} min; code-server said:\n${cs.output.slice(-40).join('\n')}`,
      );
      finish(1);
    }, TIMEOUT_MS);
    const code = await done;
    clearTimeout(timer);
    console.log(`integration: ${passed} passed, ${failed} failed`);
    return code;
  } finally {
    await browser.close();
    await cs.stop();
  }
}

async function runInElectron(extensionRoot: string, testsIndex: string, env: Record<string, string>): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      extensionDevelopmentPath: extensionRoot,
      extensionTestsPath: testsIndex,
      extensionTestsEnv: env,
      launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
    });
    return 0;
  } catch (e) {
    console.error(e);
    return 1;
  }
}

async function main(): Promise<number> {
  const root = repoRoot();
  const testsIndex = path.join(root, 'out', 'test', 'integration', 'index.js');
  const etcd = await startEtcd();
  try {
    // The suites see the demo's Kubernetes-shaped keyspace (real protobuf values).
    const seed = await EtcdConnection.open({ name: 'seed', endpoints: etcd.endpoints });
    await writeEntries(seed, sampleKeyspace());
    seed.close();
    // the Kubernetes oracle (test/oracle) reads back what the suites write
    const env = { ETCD_STUDIO_TEST_ENDPOINTS: etcd.endpoints.join(','), ETCD_STUDIO_TEST_ORACLE: oracleBinary() };
    return process.env.ETCD_STUDIO_TEST_HOST === 'electron'
      ? await runInElectron(root, testsIndex, env)
      : await runInCodeServer(root, testsIndex, env);
  } finally {
    await etcd.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
