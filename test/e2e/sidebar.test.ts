/**
 * UI test: the packaged extension installed in real VS Code (code-server), driven in Chromium.
 * A user opens the etcd Studio sidebar, expands a connection to a seeded etcd and sees its member.
 * Saves test-results/sidebar.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { etcdVersionPattern } from '../harness/tools';
import { screenshot, startUi, UiSession } from '../harness/ui';

describe('etcd Studio sidebar in code-server', () => {
  let ui: UiSession;
  let page: Page;

  before(async () => {
    ui = await startUi({
      seed: (conn) => writeEntries(conn, sampleKeyspace()),
      // "local-demo" is the connection the example script names in its first line.
      connections: (endpoints) => [
        { name: 'e2e-cluster', endpoints },
        { name: 'local-demo', endpoints },
      ],
      viewport: { width: 1400, height: 850 },
    });
    page = ui.page;
  });

  after(() => ui?.stop());

  test('the activity bar has etcd Studio; its Clusters view lists the connection, its status and members', async () => {
    const icon = page
      .locator('.activitybar .action-item a[aria-label^="etcd Studio"], .activitybar .action-item[aria-label^="etcd Studio"]')
      .first();
    await icon.waitFor({ timeout: 30_000 });
    await icon.click();
    // With one view in the container, VS Code shows it in the sidebar title.
    const title = page.locator('.sidebar .composite.title .title-label').first();
    await title.waitFor({ timeout: 30_000 });
    assert.match((await title.innerText()).toLowerCase(), /etcd studio/);

    const row = page.locator('.monaco-list-row', { hasText: /^e2e-cluster/ }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const member = page.locator('.monaco-list-row', { hasText: 'm1' }).first();
    await member.waitFor({ timeout: 30_000 });
    // Once connected, the connection row shows the etcd version and revision.
    await page
      .locator('.monaco-list-row', { hasText: /e2e-cluster.*v3\.\d+\.\d+ · rev \d+/ })
      .first()
      .waitFor({ timeout: 30_000 });

    const rows = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
    const text = rows.join('\n');
    assert.match(text, /e2e-cluster/);
    assert.match(text, /Members/);
    assert.match(text, new RegExp(`m1\\s*[0-9a-f]+ · leader · healthy \\d+ ms · v${etcdVersionPattern()} · [\\d.]+ [kM]B`));
    assert.match(text, /Keys/);
    await screenshot(page, 'sidebar');
  });

  test('drilling into the Kubernetes keyspace and clicking a Pod opens it decoded as YAML next to the tree', async () => {
    const rowOf = (text: RegExp) => page.locator('.pane-body .monaco-list-row').filter({ hasText: text }).first();
    // "/" and "registry/" are only children, so they open by themselves.
    for (const step of [/^\/\s*\d+ keys/, /^registry\//]) await rowOf(step).waitFor({ timeout: 30_000 });
    for (const step of [/^pods\//, /^default\//]) {
      const r = rowOf(step);
      await r.waitFor({ timeout: 30_000 });
      await r.click();
    }
    // Resource rows carry Kubernetes labels: "pods/ … keys · Pod".
    const pods = await rowOf(/^pods\//).innerText();
    assert.match(pods, /pods\/\s*\d+ keys · Pod/);
    const pod = rowOf(/^web-/);
    await pod.waitFor({ timeout: 30_000 });
    await pod.click();
    const editor = page.locator('.editor-instance .view-lines').first();
    await editor.waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .view-lines', { hasText: 'kind:\u00a0Pod' }).first().waitFor({ timeout: 30_000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /apiVersion: v1/);
    assert.match(text, /kind: Pod/);
    const tab = (await page.locator('.tabs-container .tab.active').first().innerText()).replace(/\s+/g, '');
    assert.match(tab, /web-[\w-]+\.yaml/);
    await screenshot(page, 'pod-yaml');
  });

  test('the example etcdctl script shows Run lenses; "Run" prints etcdctl output from the cluster', async () => {
    await page.keyboard.press('F1');
    await page.keyboard.type('Open Example etcdctl Script');
    const item = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Example etcdctl Script' }).first();
    await item.waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .view-lines', { hasText: 'connection:\u00a0local-demo' }).first().waitFor({ timeout: 30_000 });
    const runAll = page.locator('.codelens-decoration a', { hasText: /Run all/ }).first();
    await runAll.waitFor({ timeout: 60_000 });
    // The second "Run" lens belongs to "get /registry/pods/default/ --prefix --keys-only".
    const runPods = page.locator('.codelens-decoration a', { hasText: /^\s*Run$/ }).nth(1);
    await runPods.click();
    const output = page.locator('.output-view .view-lines, .panel .view-lines', { hasText: '/registry/pods/default/web-' }).first();
    await output.waitFor({ timeout: 30_000 });
    const text = (await output.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /\/registry\/pods\/default\/api-7c9f8d6b5-/);
    await screenshot(page, 'script');
  });
});
