// Builds the extension, the CLI, the language server and (with --tests) the test and bench bundles.
//   node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** Copies static data the bundles read at run time (etcd's .proto files, the Kubernetes schema). */
function copyAssets(outdir) {
  cpSync('node_modules/etcd3/proto', path.join(outdir, 'etcd3-proto'), { recursive: true });
  const schema = 'src/core/k8s/schema';
  if (existsSync(schema)) cpSync(schema, path.join(outdir, 'k8s-schema'), { recursive: true });
}

/**
 * etcd3 loads `${__dirname}/../proto/rpc.proto` at run time, which breaks once bundled. Point
 * it at the nearest `etcd3-proto` folder above the bundle (dist/ or out/), where copyAssets puts it.
 */
const etcd3ProtoPath = {
  name: 'etcd3-proto-path',
  setup(build) {
    build.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const finder =
        "(function(){const p=require('path'),f=require('fs');let d=__dirname;for(;;){const c=p.join(d,'etcd3-proto');" +
        "if(f.existsSync(c))return c;const u=p.dirname(d);if(u===d)throw new Error('etcd Studio: etcd3-proto folder not found above '+__dirname);d=u;}})()";
      const patched = source.replace('`${__dirname}/../proto/rpc.proto`', `require('path').join(${finder}, 'rpc.proto')`);
      if (patched === source) throw new Error('etcd3 changed: cannot find its rpc.proto path to patch');
      return { contents: patched, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [etcd3ProtoPath],
  define: { ETCD_STUDIO_VERSION: JSON.stringify(pkg.version) },
};

function listFiles(dir, re) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((f) => re.test(f) && !f.split(path.sep).includes('fixtures'))
    .map((f) => path.join(dir, f));
}

const builds = [
  {
    ...common,
    entryPoints: {
      extension: 'src/extension.ts',
      cli: 'src/cli/main.ts',
      ...(existsSync('src/server/main.ts') ? { server: 'src/server/main.ts' } : {}),
    },
    outdir: 'dist',
    external: ['vscode'],
  },
];
// Webview scripts run in the webview's browser context: one self-contained file each, no Node built-ins.
builds.push({
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  plugins: [],
  entryPoints: { dashboard: 'src/webview/dashboard/main.ts' },
  outdir: 'dist/webview',
});
if (tests) {
  builds.push({
    ...common,
    entryPoints: [
      ...listFiles('test/unit', /\.test\.ts$/),
      ...listFiles('test/integration', /(\.test\.ts|(^|\/)index\.ts)$/),
      ...listFiles('test/e2e', /\.test\.ts$/),
      ...listFiles('test/harness', /\.ts$/),
      ...listFiles('bench', /\.ts$/),
    ],
    outbase: '.',
    outdir: 'out',
    sourcemap: true,
    minify: false,
    // Test tools and the VS Code API are loaded from node_modules / the extension host.
    external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'],
  });
}

if (!watch) {
  rmSync('dist', { recursive: true, force: true });
  if (tests) rmSync('out', { recursive: true, force: true });
}
copyAssets('dist');
if (tests) copyAssets('out');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('[esbuild] watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
