/**
 * The extension half of `npm run bench -- startup`, in real VS Code: the packaged .vsix installed in
 * code-server, driven by Chromium. Each round starts a fresh code-server with one saved connection,
 * clicks the etcd Studio icon in the activity bar (the event that activates the extension: its view
 * opens), and measures
 *  - activation as VS Code itself measures it: code loading + the activate() call, from the Running
 *    Extensions view (Developer: Show Running Extensions), target < 100 ms;
 *  - the time from the click until the Clusters view shows the connection's row (in the page's clock).
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/harness/browser';
import { startCodeServer } from '../test/harness/codeServer';
import { repoRoot } from '../test/harness/tools';
import { packagedVsix } from '../test/harness/vsix';
import type { Figures } from './registry';
import type { BenchArgs } from './run';

const CONNECTION = 'bench-cluster';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ICON = '.activitybar .action-item a[aria-label^="etcd Studio"], .activitybar .action-item[aria-label^="etcd Studio"]';

/**
 * Clicks the activity bar icon and resolves with the ms until a row naming the connection is in the
 * Clusters view. Runs inside the page (a DOM observer and the page's clock), so Playwright's polling
 * adds nothing to the figure.
 */
async function clickUntilFirstRow(page: Page): Promise<number> {
  await page.locator(ICON).first().waitFor({ timeout: 60_000 });
  const script = `new Promise((resolve, reject) => {
    const name = ${JSON.stringify(CONNECTION)};
    const has = () => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => (r.textContent || '').trim().startsWith(name));
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (!has()) return;
      obs.disconnect();
      resolve(performance.now() - t0);
    });
    obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    setTimeout(() => reject(new Error('no ' + name + ' row in the Clusters view after 60 s')), 60000);
    document.querySelector(${JSON.stringify(ICON)}).click();
  })`;
  return (await page.evaluate(script)) as number;
}

/** "Activation: 42ms" of etcd Studio in Developer: Show Running Extensions (code loading + activate call). */
async function runningExtensionsActivation(page: Page): Promise<number> {
  await page.keyboard.press('F1');
  await page.keyboard.type('Developer: Show Running Extensions');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Running Extensions' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  const list = page.locator('.runtime-extensions-editor .monaco-list').first();
  await list.waitFor({ timeout: 30_000 });
  // Rows are sorted slowest first and only the visible ones are in the DOM: scroll down to ours.
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'etcd Studio' }).first();
  for (let i = 0; i < 60 && !(await row.isVisible()); i++) {
    await list.hover();
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(100);
  }
  await row.waitFor({ timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /Activation: (\d+)ms/.exec(await row.innerText());
    if (m) return Number(m[1]);
    if (Date.now() > deadline) throw new Error(`no activation time in the Running Extensions row: ${await row.innerText()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function runVscode(args: BenchArgs): Promise<Figures> {
  const rounds = Math.max(5, args.number('vscode-rounds', 5));
  // What users install: the production .vsix.
  execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: repoRoot(), stdio: 'ignore' });
  const activation: number[] = [];
  const firstRow: number[] = [];
  const browser = await launchChromium();
  try {
    for (let r = 0; r < rounds; r++) {
      const cs = await startCodeServer({
        vsix: [packagedVsix()],
        settings: { 'etcdStudio.connections': [{ name: CONNECTION, endpoints: ['http://127.0.0.1:2379'] }] },
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
      try {
        await page.goto(`${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
        await page.waitForFunction(() => (globalThis as unknown as { driver?: unknown }).driver !== undefined, undefined, {
          timeout: 60_000,
        });
        await page.evaluate(() =>
          (globalThis as unknown as { driver: { whenWorkbenchRestored(): Promise<void> } }).driver.whenWorkbenchRestored(),
        );
        firstRow.push(await clickUntilFirstRow(page));
        activation.push(await runningExtensionsActivation(page));
      } finally {
        await page.close();
        await cs.stop();
      }
    }
  } finally {
    await browser.close();
  }
  const act = median(activation);
  return {
    vscode_rounds: rounds,
    activation_ms_median: act,
    activation_ms_all: activation.join(' '),
    activation_target_max_ms: 100,
    activation_meets_target: act < 100 ? 1 : 0,
    first_connection_row_ms_median: Math.round(median(firstRow)),
    first_connection_row_ms_all: firstRow.map(Math.round).join(' '),
    // What activation parses: the production dist/extension.js (every feature's code is in dist/lazy-*.js).
    extension_js_kb: Math.round(statSync(path.join(repoRoot(), 'dist', 'extension.js')).size / 1024),
  };
}
