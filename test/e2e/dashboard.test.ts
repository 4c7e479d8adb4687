/**
 * UI test: the Cluster Overview webview in real VS Code (code-server) driven in Chromium, on a real
 * 3-member cluster taking writes. One member's DB is fragmented (data deleted and compacted; the other
 * two were defragmented already): the doctor shows it with a "Defragment m1" button. The test looks at
 * the cards, findings and charts, saves test-results/overview.png, then presses the button from the
 * keyboard, confirms VS Code's dialog, and checks on the real etcd that m1's DB file shrank.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Etcd3 } from 'etcd3';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { EtcdConnection } from '../../src/core/etcd/connection';
import { launchChromium, openWorkbench, runCommand } from '../harness/browser';
import { rawClient } from '../harness/rawClient';
import { CodeServer, startCodeServer } from '../harness/codeServer';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { repoRoot } from '../harness/tools';

const VSIX = process.env.ETCD_STUDIO_VSIX ?? path.join(repoRoot(), `etcd-studio-${require('../../package.json').version}.vsix`);
const RESULTS = path.join(repoRoot(), 'test-results');
const CONNECTION = 'prod-eu-1';

async function dbSize(etcd: EtcdTestCluster, index: number): Promise<number> {
  const member = rawClient({ endpoints: [etcd.endpoints[index]] });
  try {
    return Number((await member.maintenance.status()).dbSize);
  } finally {
    member.close();
  }
}

describe('Cluster Overview in code-server', () => {
  let etcd: EtcdTestCluster;
  let conn: EtcdConnection;
  let raw: Etcd3;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let writer: NodeJS.Timeout | undefined;
  let overview: FrameLocator;

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} exists (npm test packages it first; or run "npm run package")`);
    etcd = await startEtcd({ members: 3 });
    conn = await EtcdConnection.open({ name: 'seed', endpoints: etcd.endpoints });
    await writeEntries(conn, sampleKeyspace());
    raw = rawClient(etcd);
    // 3 MB written, deleted and compacted: free pages inside every member's DB file…
    for (let i = 0; i < 30; i++) await raw.put(`/registry/events/default/burst-${i}`).value('x'.repeat(100_000));
    await raw.delete().prefix('/registry/events/default/burst-');
    await raw.kv.compact({ revision: (await raw.maintenance.status()).header.revision, physical: true });
    // …that etcd counts as free once the backend commits again; then two members are defragmented.
    for (let i = 0; i < 5; i++) {
      await raw.put('/registry/leases/kube-node-lease/tick').value(String(i));
      await new Promise((r) => setTimeout(r, 150));
    }
    for (const endpoint of etcd.endpoints.slice(1)) {
      const member = rawClient({ endpoints: [endpoint] });
      await member.maintenance.defragment();
      member.close();
    }
    // A steady, gently varying write load for the charts (like leases and status updates in Kubernetes).
    let n = 0;
    writer = setInterval(() => {
      const burst = 3 + Math.round(3 * Math.sin(n / 4) + 3);
      for (let i = 0; i < burst; i++)
        void raw
          .put(`/registry/leases/kube-node-lease/node-${n++ % 40}`)
          .value(String(n))
          .catch(() => undefined);
    }, 200);
    cs = await startCodeServer({
      vsix: [VSIX],
      settings: {
        'etcdStudio.connections': [{ name: CONNECTION, endpoints: etcd.endpoints }],
        'etcdStudio.overview.refreshSeconds': 1,
        'etcdStudio.doctor.fragmentationMinBytes': 1_000_000,
        'workbench.colorTheme': 'Default Dark Modern',
      },
    });
    browser = await launchChromium();
    page = await openWorkbench(browser, cs.url, cs.workspace, { width: 1440, height: 1150 });
  });

  after(async () => {
    if (writer) clearInterval(writer);
    raw?.close();
    conn?.close();
    await browser?.close();
    await cs?.stop();
    await etcd?.stop();
  });

  test('"Cluster Overview" from the command palette shows member cards, the fragmented member and live charts', async () => {
    await runCommand(page, 'etcd Studio: Cluster Overview');
    await page.locator('.tabs-container .tab', { hasText: `Overview: ${CONNECTION}` }).waitFor({ timeout: 30_000 });
    overview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await overview.locator('h1', { hasText: CONNECTION }).waitFor({ timeout: 60_000 });

    const cards = overview.locator('article.card');
    await cards.nth(2).waitFor();
    assert.deepEqual((await cards.locator('h3').allInnerTexts()).sort(), ['m1', 'm2', 'm3']);
    assert.equal(await overview.locator('.badge-leader').count(), 1);
    for (const text of await cards.allInnerTexts()) {
      assert.match(text, /healthy · \d+(\.\d+)? ms/);
      assert.match(text, /v3\.\d+\.\d+/);
      assert.match(text, /DB [\d.]+ [kM]B/);
      assert.match(text, /quota 2\.1 GB/);
      assert.match(text, /raft term\s+\d+/);
    }

    const finding = overview.locator('li.finding', { hasText: 'Fragmented DB' });
    mkdirSync(RESULTS, { recursive: true });
    await finding.waitFor({ timeout: 30_000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(RESULTS, 'overview-failed.png') });
      throw e;
    });
    assert.match(await finding.innerText(), /\d+ % of m1's [\d.]+ MB DB file is free pages/);
    assert.match(await overview.locator('.pill').innerText(), /warning/);

    // Let the charts collect some seconds of samples before the picture.
    await overview.locator('svg.chart polyline').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(15_000);
    const writes = await overview.locator('figure.chart-card', { hasText: 'Writes / s' }).locator('svg').getAttribute('aria-label');
    assert.match(writes ?? '', /^Writes per second: latest writes\/s [\d.]+$/);
    assert.ok(Number(/([\d.]+)$/.exec(writes!)![1]) > 0, writes!);
    assert.match(
      (await overview.locator('figure.chart-card', { hasText: 'DB size' }).locator('svg').getAttribute('aria-label')) ?? '',
      /latest m1 [\d.]+ [kM]B, m2/,
    );
    await page.keyboard.press('Control+B'); // hide the sidebar: the overview gets the window
    await page.waitForTimeout(1500);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'overview.png') });
  });

  test('a hidden overview samples nothing: 8 s behind another editor add no points to its charts', async () => {
    const points = async () =>
      ((await overview.locator('figure.chart-card', { hasText: 'Writes / s' }).locator('polyline').first().getAttribute('points')) ?? '')
        .trim()
        .split(/\s+/).length;
    const before = await points();
    await runCommand(page, 'File: New Untitled Text File');
    await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(8000);
    await page.locator('.tabs-container .tab', { hasText: `Overview: ${CONNECTION}` }).click();
    await overview.locator('h1', { hasText: CONNECTION }).waitFor({ timeout: 30_000 });
    const after = await points();
    // Visible, it samples every second (8 s would add 8 points); hidden, only the samples taken while the
    // other editor was opening and the one on coming back are added.
    assert.ok(after <= before + 4, `${before} points before hiding, ${after} after 8 s hidden`);
    assert.ok(after >= before, `the chart kept its history (${before} -> ${after})`);
  });

  test('the overview follows the VS Code theme: switching to a light theme repaints it light', async () => {
    const background = () =>
      overview
        .locator('body')
        .evaluate(
          (b) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor,
        );
    const dark = await background();
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    let light = dark;
    for (let i = 0; i < 40 && light === dark; i++) {
      await page.waitForTimeout(250);
      light = await background();
    }
    const luminance = (rgb: string) =>
      /\d+/g.exec(rgb)
        ? rgb
            .match(/\d+/g)!
            .slice(0, 3)
            .reduce((a, c) => a + Number(c), 0) / 3
        : 0;
    assert.ok(luminance(dark) < 80, `dark background ${dark}`);
    assert.ok(luminance(light) > 200, `light background ${light}`);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(RESULTS, 'overview-light.png') });
  });

  test('"Defragment m1" pressed from the keyboard asks to confirm, defragments the real member and the finding goes away', async () => {
    const before = await dbSize(etcd, 0);
    const button = overview.locator('li.finding button', { hasText: 'Defragment m1' });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match(await dialog.innerText(), /Defragment the member at http:\/\/127\.0\.0\.1:\d+\?/);
    await page.screenshot({ path: path.join(RESULTS, 'overview-confirm.png') });
    await dialog
      .locator('.dialog-buttons > *', { hasText: /^Defragment$/ })
      .first()
      .click();
    let after = await dbSize(etcd, 0);
    for (let i = 0; i < 60 && after >= before; i++) {
      await page.waitForTimeout(500);
      after = await dbSize(etcd, 0);
    }
    await page.screenshot({ path: path.join(RESULTS, 'overview-after-confirm.png') });
    assert.ok(after < before, `m1's DB file ${before} -> ${after} bytes`);
    await overview.locator('li.finding', { hasText: 'Fragmented DB' }).waitFor({ state: 'detached', timeout: 30_000 });
    assert.match(await overview.locator('.doctor details.passed').innerText(), /checks passed/);
  });

  test('"Endpoint Status" on the overview opens the etcdctl table unwrapped, with a hint to scroll for the wide columns', async () => {
    await overview.locator('button', { hasText: 'Endpoint Status' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'status.txt' }).waitFor({ timeout: 30_000 });
    const lines = page.locator('.editor-instance .view-lines').first();
    await page.locator('.editor-instance .view-lines', { hasText: 'characters\u00a0wide' }).first().waitFor({ timeout: 30_000 });
    const text = (await lines.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /# This table is \d+ characters wide: scroll right to see every column/);
    assert.match(text, /ENDPOINT/);
    await page.screenshot({ path: path.join(RESULTS, 'status-report.png') });
  });

  test('"Stop Watch" with no watch running says so and offers to start one, instead of an empty list', async () => {
    // Earlier tests left notifications: clear them, so the bell's dot means this command's message.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.locator('.statusbar-item .codicon-bell-dot').waitFor({ state: 'detached', timeout: 30_000 });
    await runCommand(page, 'etcd Studio: Stop Watch');
    await page.locator('.statusbar-item .codicon-bell-dot').waitFor({ timeout: 30_000 });
    // No picker opened: the palette closes and nothing takes its place.
    await page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => assert.fail('a quick pick stayed open after Stop Watch'));
    // With the smoke-test driver on, VS Code keeps notifications out of toasts: open the list as a user can.
    await runCommand(page, 'Notifications: Show Notifications');
    const note = page.locator('.notifications-center .notification-list-item', { hasText: 'No watch is running' });
    await note.waitFor({ timeout: 30_000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(RESULTS, 'stop-watch-failed.png') });
      throw e;
    });
    await page.screenshot({ path: path.join(RESULTS, 'stop-watch.png') });
    assert.match(await note.innerText(), /No watch is running, so there is nothing to stop\. Start one with "Watch…" on a key or prefix\./);
    // Its button starts a watch: it asks for the key or prefix on the only connection.
    await note.locator('.monaco-button', { hasText: 'Watch…' }).click();
    const input = page.locator('.quick-input-widget', { hasText: 'Key or prefix to watch' });
    await input.waitFor({ timeout: 30_000 });
    assert.match(await input.innerText(), /Watch on "prod-eu-1"/);
    await page.keyboard.press('Escape');
  });
});
