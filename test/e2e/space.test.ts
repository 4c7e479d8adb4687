/**
 * UI test: the Space view in real VS Code (code-server) driven in Chromium. A user runs "Show Space"
 * on a cluster holding a few thousand Kubernetes objects, sees the treemap of /registry/ (the
 * single-child levels above it are skipped), drills into a resource, and clicks the largest key,
 * which opens decoded in the editor. Saves test-results/space.png and space-drill.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { loadK8sKeyspace } from '../../bench/k8sKeyspace';
import { sampleKeyspace, writeEntries } from '../../src/core/demo/sampleKeyspace';
import { rawClient } from '../harness/rawClient';
import { screenshot, startUi, UiSession } from '../harness/ui';

describe('Space view in code-server', () => {
  let ui: UiSession;
  let page: Page;

  before(async () => {
    ui = await startUi({
      seed: async (conn, etcd) => {
        await writeEntries(conn, sampleKeyspace());
        const raw = rawClient(etcd);
        await loadK8sKeyspace(raw, { keys: 4000, updateEvery: 0, deleteEvery: 0 });
        raw.close();
      },
      connections: (endpoints) => [{ name: 'prod-eu', endpoints }],
      viewport: { width: 1500, height: 900 },
    });
    page = ui.page;
  });

  after(() => ui?.stop());

  /** The Space webview's document (VS Code nests it in two iframes). */
  function space(): FrameLocator {
    return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  test('"Show Space" draws the treemap of /registry/ with the largest keys and the db file', async () => {
    // The user's path: the etcd Studio sidebar, right-click the connection, "Show Space".
    await page
      .locator('.activitybar .action-item a[aria-label^="etcd Studio"], .activitybar .action-item[aria-label^="etcd Studio"]')
      .first()
      .click();
    const row = page.locator('.pane-body .monaco-list-row', { hasText: /^prod-eu/ }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    await page.locator('.monaco-menu .action-item', { hasText: 'Show Space' }).first().click();
    const v = space();
    await v.locator('svg.treemap').waitFor({ timeout: 60_000 });
    // "" and "/" hold nothing but the next level: the view starts at /registry/.
    const crumbs = await v.locator('.crumbs .crumb').allInnerTexts();
    assert.deepEqual(crumbs, ['all keys', '/', 'registry/']);
    const facts = (await v.locator('.facts').innerText()).replace(/\s+/g, ' ');
    assert.match(facts, /4,0\d\d keys/);
    assert.match(await v.locator('.storage').innerText(), /free pages/);
    const cells = await v.locator('svg.treemap .cell.prefix.depth-0 .label').allTextContents();
    assert.ok(
      cells.some((c) => c.startsWith('pods/')),
      cells.join(', '),
    );
    assert.ok((await v.locator('.bars .bar').count()) >= 10);
    await screenshot(page, 'space');
  });

  test('clicking a prefix drills down; clicking the largest key opens it decoded in the editor', async () => {
    const v = space();
    await v
      .locator('svg.treemap .cell.prefix.depth-0', { hasText: /^deployments\// })
      .first()
      .locator('rect')
      // The cell's header strip: its children are drawn over the rest of it.
      .click({ position: { x: 6, y: 6 } });
    await v.locator('.crumbs .crumb.current', { hasText: 'deployments/' }).waitFor({ timeout: 30_000 });
    const inner = await v.locator('svg.treemap .cell.prefix.depth-0 .label').allTextContents();
    assert.ok(
      inner.some((c) => /^ns-\d+\//.test(c)),
      inner.join(', '),
    );
    await screenshot(page, 'space-drill');

    const bar = v.locator('.bars .bar').first();
    const key = (await bar.locator('title').textContent())!.split('\n')[0];
    assert.match(key, /^\/registry\/deployments\//);
    await bar.click();
    const name = key.slice(key.lastIndexOf('/') + 1);
    await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 30_000 });
    const editor = page.locator('.editor-instance .view-lines', { hasText: 'kind:\u00a0Deployment' }).first();
    await editor.waitFor({ timeout: 30_000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /apiVersion: apps\/v1/);
    assert.match(text, new RegExp(`name: ${name}`));
  });
});
