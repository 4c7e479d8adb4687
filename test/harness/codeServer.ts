/**
 * Real VS Code for tests on a machine without a VS Code download: code-server (npm) on a
 * loopback port, with a fresh, quiet profile. See "Development" in README.md for how it is installed.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePorts } from '../../src/core/etcd/localEtcd';
import { requireVscodeTools } from './tools';

export interface CodeServer {
  url: string;
  port: number;
  root: string;
  workspace: string;
  userDataDir: string;
  output: string[];
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** User settings merged over the quiet defaults. */
  settings?: Record<string, unknown>;
  /** .vsix files to install before start. */
  vsix?: string[];
  /** Environment for the extension host (code-server passes its env down). */
  env?: Record<string, string>;
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'git.enabled': false,
  'workbench.tips.enabled': false,
  'window.commandCenter': false,
};

function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { node24, npmNodedir } = requireVscodeTools();
  return {
    ...process.env,
    PATH: `${path.dirname(node24)}:${process.env.PATH}`,
    npm_config_nodedir: npmNodedir,
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const { node24: NODE24, codeServer: CODE_SERVER_ENTRY } = requireVscodeTools();
  const root = mkdtempSync(path.join(tmpdir(), 'etcd-studio-cs-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const workspace = path.join(root, 'workspace');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  const config = path.join(root, 'config.yaml');
  writeFileSync(config, '');
  for (const vsix of opts.vsix ?? []) {
    execFileSync(
      NODE24,
      [CODE_SERVER_ENTRY, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
      { env: toolEnv(), stdio: 'pipe' },
    );
  }
  const [port] = await freePorts(1);
  const args = [
    CODE_SERVER_ENTRY,
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--vscode-option',
    'enable-smoke-test-driver',
    workspace,
  ];
  const child: ChildProcess = spawn(NODE24, args, { env: toolEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  const keep = (d: Buffer) => {
    output.push(...d.toString().split('\n').filter(Boolean));
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      // code-server spawns the extension host and file watchers: stop the whole process group.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      await gone;
      clearTimeout(t);
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not start:\n${output.slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, root, workspace, userDataDir, output, stop };
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${url}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}
