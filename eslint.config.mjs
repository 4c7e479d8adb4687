// Lint: TypeScript recommended rules, plus the architecture rules (ARCHITECTURE.md):
// - src/core, src/cli and src/server never import `vscode` (they run in plain Node), nor do the webview
//   scripts in src/webview (they run in the webview's browser);
// - only src/core/etcd/etcd3Adapter.ts imports the etcd3 library (and only it may use `any`):
//   everything else reaches etcd through EtcdConnection.
import tseslint from 'typescript-eslint';

const ADAPTER = 'src/core/etcd/etcd3Adapter.ts';
const etcd3Only = {
  name: 'etcd3',
  message: `Only ${ADAPTER} talks to the etcd3 library: use EtcdConnection (src/core/etcd/connection.ts) and the types the adapter re-exports.`,
};
const etcd3Patterns = [{ group: ['etcd3/*'], message: etcd3Only.message }];

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'vscode', message: 'src/core, src/cli and src/server must not import vscode: put VS Code code in src/vscode.' },
        etcd3Only,
      ],
      patterns: etcd3Patterns,
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
      message: 'src/core, src/cli and src/server must not require vscode.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'tools/**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Prettier wraps code at 140; long messages stay whole so they can be searched for.
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  { files: ['src/core/**', 'src/cli/**', 'src/server/**', 'src/webview/**'], rules: noVscode },
  {
    files: ['src/vscode/**', 'src/extension.ts', 'src/protocol/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [etcd3Only], patterns: etcd3Patterns }] },
  },
  // Tests and benchmarks may use etcd3's public client to set up data (test/harness/rawClient.ts), never its internals.
  { files: ['test/**', 'bench/**'], rules: { 'no-restricted-imports': ['error', { patterns: etcd3Patterns }] } },
  {
    files: [ADAPTER, 'test/unit/etcd3-adapter.test.ts'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
