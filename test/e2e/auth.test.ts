/**
 * UI test: a user adds an etcd user from the command palette in real VS Code (code-server, Chromium). The
 * password is typed into password boxes (masked input), reaches etcd, and the Auth node lists the user.
 * Saves test-results/auth.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Etcd3 } from 'etcd3';
import { launchChromium, openWorkbench, runCommand } from '../harness/browser';
import { CodeServer, startCodeServer } from '../harness/codeServer';
import { EtcdTestCluster, startEtcd } from '../harness/etcd';
import { rawClient } from '../harness/rawClient';
import { repoRoot } from '../harness/tools';

const VSIX = process.env.ETCD_STUDIO_VSIX ?? path.join(repoRoot(), `etcd-studio-${require('../../package.json').version}.vsix`);
const RESULTS = path.join(repoRoot(), 'test-results');
const PASSWORD = 'e2e-Secret-pw-42';

describe('auth in code-server: Add User with a masked password', () => {
  let etcd: EtcdTestCluster;
  let raw: Etcd3;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} exists (npm test packages it first; or run "npm run package")`);
    etcd = await startEtcd();
    raw = rawClient(etcd);
    cs = await startCodeServer({ vsix: [VSIX], settings: { 'etcdStudio.connections': [{ name: 'e2e-auth', endpoints: etcd.endpoints }] } });
    browser = await launchChromium();
    page = await openWorkbench(browser, cs.url, cs.workspace);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    raw?.close();
    await etcd?.stop();
  });

  test('Add User… asks the name, then the password twice in password boxes; etcd has the user, the Auth node lists it', async () => {
    await runCommand(page, 'etcd Studio: Add User…');
    const input = page.locator('.quick-input-box input').first();
    await page.locator('.quick-input-message, .quick-input-widget', { hasText: 'User name' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.type('alice');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Password of alice' }).first().waitFor({ timeout: 30_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'the password box masks what is typed');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Password of alice, again' }).first().waitFor({ timeout: 30_000 });
    assert.equal(await input.getAttribute('type'), 'password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    // etcd has the user (read with the test's own client).
    let users: string[] = [];
    for (let i = 0; i < 50 && !users.includes('alice'); i++) {
      users = (await raw.auth.userList()).users;
      if (!users.includes('alice')) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(users, ['alice']);

    // The Clusters view: connection → Auth → Users → alice.
    const icon = page
      .locator('.activitybar .action-item a[aria-label^="etcd Studio"], .activitybar .action-item[aria-label^="etcd Studio"]')
      .first();
    await icon.click();
    const rowOf = (text: RegExp) => page.locator('.pane-body .monaco-list-row').filter({ hasText: text }).first();
    for (const step of [/^e2e-auth/, /^Auth/, /^Users/]) {
      const r = rowOf(step);
      await r.waitFor({ timeout: 30_000 });
      await r.click();
    }
    await rowOf(/^alice\s*no roles/).waitFor({ timeout: 30_000 });
    // the row says whether auth is on once etcd has answered (before that it says what the node holds)
    await rowOf(/^Auth\s*off/).waitFor({ timeout: 30_000 });
    assert.match(await rowOf(/^Auth/).innerText(), /Auth\s*off/);
    assert.ok(!(await page.content()).includes(PASSWORD), 'the password is nowhere on the page');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'auth.png') });
  });
});
