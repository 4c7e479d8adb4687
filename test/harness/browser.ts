import type { Browser } from 'playwright-core';
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
