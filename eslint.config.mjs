// ESLint (typescript-eslint, flat config). Formatting is Prettier's (npm run format), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Code outside src/flows-core reaches the core only through its public surface, src/flows-core/index.ts. */
const coreOnlyThroughIndex = {
  group: ['**/flows-core/*', '**/flows-core/**', '!**/flows-core/index.js'],
  message: 'Import the flows core from src/flows-core/index.ts (export what you need there).',
};

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/', '.data/', 'bench/out/', '.ci/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      // `_` marks what is destructured away on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Tests read decrypted replies and fixtures as `any` on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      // Nest modules are classes with decorators and no members.
      '@typescript-eslint/no-extraneous-class': 'off',
      // Control characters are matched on purpose: tokens, ids and text columns refuse them.
      'no-control-regex': 'off',
    },
  },
  {
    // The test kit is what flow teams copy: it uses the public surface too. The core's own tests may reach inside.
    files: ['src/**/*.ts', 'test/kit/**/*.ts', 'test/support/**/*.ts'],
    ignores: ['src/flows-core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [coreOnlyThroughIndex] }] },
  },
  {
    files: ['src/flows-core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/flows/*', '**/flows/**', '**/flows/index.js'], message: 'The flows core never imports a business flow (src/flows).' },
          ],
        },
      ],
    },
  },
);
