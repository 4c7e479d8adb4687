// Lint: TypeScript recommended rules, plus the architecture rule that keeps core pure:
// src/core, src/cli and src/server never import `vscode` (they run in plain Node).
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'src/core, src/cli and src/server must not import vscode: put VS Code code in src/vscode.' }],
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
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Prettier wraps code at 140; long messages stay whole so they can be searched for.
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  { files: ['src/core/**', 'src/cli/**', 'src/server/**'], rules: noVscode },
);
