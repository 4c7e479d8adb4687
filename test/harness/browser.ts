import type { Browser, Page } from 'playwright-core';
import { requireVscodeTools } from './tools';

/** Debian's Chromium driven by playwright-core, with the flags that keep it offline and quiet. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: requireVscodeTools().chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page with the VS Code workbench of `url` open on `folder`, once the workbench has restored. */
export async function openWorkbench(
  browser: Browser,
  url: string,
  folder: string,
  viewport: { width: number; height: number } = { width: 1400, height: 850 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForFunction(() => (globalThis as unknown as { driver?: unknown }).driver !== undefined, undefined, { timeout: 60_000 });
  await page.evaluate(() =>
    (globalThis as unknown as { driver: { whenWorkbenchRestored(): Promise<void> } }).driver.whenWorkbenchRestored(),
  );
  return page;
}

/** Runs a command from the palette as a user does (F1, type its title, Enter), retrying until the workbench has the keyboard. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.locator('.part.statusbar').click();
    await page.keyboard.press('F1');
    const shown = await input.waitFor({ timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (shown) {
      await input.fill(`>${title}`);
      if (
        await row.waitFor({ timeout: 5000 }).then(
          () => true,
          () => false,
        )
      )
        break;
    }
    if (attempt === 8) throw new Error(`the command palette did not offer "${title}"`);
  }
  await page.keyboard.press('Enter');
}
