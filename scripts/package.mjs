// npm run package: production build, then etcd-studio-<version>.vsix with @vscode/vsce.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ensureNodeModules } from './setup.mjs';

ensureNodeModules();
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
// README images ship inside the .vsix (docs/), so relative links stay relative.
// vsce runs vscode:prepublish (the production build). The bundle carries its dependencies, so node_modules stays out of the .vsix.
execFileSync(
  process.execPath,
  [
    'node_modules/@vscode/vsce/vsce',
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
    '--out',
    `etcd-studio-${version}.vsix`,
  ],
  { stdio: 'inherit' },
);
