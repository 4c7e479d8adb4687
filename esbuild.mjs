// Builds the extension, the CLI, the language server and (with --tests) the test and bench bundles.
//   node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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

function listFiles(dir, re) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((f) => re.test(f) && !f.split(path.sep).includes('fixtures'))
    .map((f) => path.join(dir, f));
}

/**
 * Load on use: a module that src code imports with `import('./x')` becomes a file of its own next to
 * the entry points, dist/lazy-x.js, required only when that code runs. So `etcd-studio --help` reads
 * dist/cli.js alone, only commands that talk to a cluster load the etcd client, and activating the
 * extension parses neither gRPC nor the language client. All files sit in dist/, so `./lazy-x.js`
 * resolves the same from an entry point and from another lazy file.
 */
const lazyFiles = new Map(); // absolute .ts path -> output name
/** The file an import path names: `x.ts`, or `x/index.ts` for a folder. */
const moduleFile = (base) => (existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts'));
/** `x` for x.ts and for x/index.ts. */
const moduleName = (file) => (path.basename(file) === 'index.ts' ? path.basename(path.dirname(file)) : path.basename(file, '.ts'));
for (const dir of ['src/cli', 'src/core', 'src/vscode', 'src/server']) {
  for (const file of listFiles(dir, /\.ts$/)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bimport\('(\.\.?\/[\w./]+)'\)/g)) {
      lazyFiles.set(moduleFile(path.resolve(path.dirname(file), m[1])), '');
    }
  }
}
// dist/lazy-x.js; two modules of one name (cli/snapshotCommands.ts, vscode/snapshots/snapshotCommands.ts) both
// take their folder's name in front: lazy-cli-snapshotCommands.js, lazy-snapshots-snapshotCommands.js.
for (const file of lazyFiles.keys()) {
  const name = moduleName(file);
  const twins = [...lazyFiles.keys()].filter((f) => moduleName(f) === name).length;
  lazyFiles.set(file, twins > 1 ? `lazy-${path.basename(path.dirname(file))}-${name}` : `lazy-${name}`);
}
// Packages that several lazily loaded files use are one file of their own each, required by all of them
// (bundled into each, they would be parsed again by every file): gRPC (the etcd client and the KMS plugin
// client) and YAML (most features, the CLI's codec commands, the language server).
const SHARED = { '@grpc/grpc-js': 'lazy-grpc', yaml: 'lazy-yaml' };
const lazyImports = {
  name: 'lazy-imports',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const name = args.kind === 'dynamic-import' && lazyFiles.get(moduleFile(path.resolve(args.resolveDir, args.path)));
      return name ? { path: `./${name}.js`, external: true } : undefined;
    });
    build.onResolve({ filter: /^(@grpc\/grpc-js|yaml)$/ }, (args) => ({ path: `./${SHARED[args.path]}.js`, external: true }));
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

const builds = [
  {
    ...common,
    entryPoints: {
      extension: 'src/extension.ts',
      cli: 'src/cli/main.ts',
      ...(existsSync('src/server/main.ts') ? { server: 'src/server/main.ts' } : {}),
      ...Object.fromEntries([...lazyFiles].map(([file, name]) => [name, file])),
      ...Object.fromEntries(Object.entries(SHARED).map(([pkg, name]) => [name, createRequire(import.meta.url).resolve(pkg)])),
    },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [...common.plugins, lazyImports],
    // Lazy files load with require(): a native import() would send them through the ESM loader, which
    // lexes the whole file for CommonJS exports first (tens of ms for the etcd client).
    supported: { 'dynamic-import': false },
  },
];
// Webview scripts run in the webview's browser context: one self-contained file each, no Node built-ins.
builds.push({
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  plugins: [],
  entryPoints: { dashboard: 'src/webview/dashboard/main.ts', space: 'src/webview/space/main.ts' },
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
