/**
 * One UI test session: a real etcd seeded by the test, code-server with the packaged extension and
 * the test's connections in its settings, and Chromium on the workbench. `stop()` ends all three.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { launchChromium, openWorkbench } from './browser';
import { CodeServer, startCodeServer } from './codeServer';
import { EtcdTestCluster, startEtcd } from './etcd';
import { repoRoot } from './tools';

const VSIX = process.env.ETCD_STUDIO_VSIX ?? path.join(repoRoot(), `etcd-studio-${require('../../package.json').version}.vsix`);
const RESULTS = path.join(repoRoot(), 'test-results');

export interface UiSession {
  etcd: EtcdTestCluster;
  cs: CodeServer;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

export async function startUi(o: {
  /** Writes the test's data: through etcd Studio's connection, or the tests' own client (`rawClient(etcd)`). */
  seed: (conn: EtcdConnection, etcd: EtcdTestCluster) => Promise<unknown>;
  connections: (endpoints: string[]) => object[];
  viewport: { width: number; height: number };
}): Promise<UiSession> {
  assert.ok(existsSync(VSIX), `${VSIX} exists (npm test packages it first; or run "npm run package")`);
  const etcd = await startEtcd();
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await cs?.stop();
    await etcd.stop();
  };
  try {
    const conn = await EtcdConnection.open({ name: 'seed', endpoints: etcd.endpoints, requestTimeoutMs: 30_000 });
    try {
      await o.seed(conn, etcd);
    } finally {
      conn.close();
    }
    cs = await startCodeServer({ vsix: [VSIX], settings: { 'etcdStudio.connections': o.connections(etcd.endpoints) } });
    browser = await launchChromium();
    const page = await openWorkbench(browser, cs.url, cs.workspace, o.viewport);
    return { etcd, cs, browser, page, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Saves a screenshot of the page as test-results/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`) });
}
