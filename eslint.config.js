// One lint config for the repo. Type-aware rules run on src/ and tests; the browser globals
// that src/ may touch are restricted to the two entry files (DESIGN.md: only runtime touches window).
import tseslint from 'typescript-eslint';

const browserGlobals = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'indexedDB', 'fetch', 'console'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // Factories return closures that never use `this`, so passing their members around is safe.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    // consent-ui/ is the banner: DOM code by nature, its own build, never imported by the runtime.
    // chunks/ are the entries of the built-in tags' own files, which register on the page;
    // cli.ts is the Node entry of `acquaint validate`.
    // src/browser/ is the platform as the browser gives it, which src/env.ts assembles into the Env.
    // relay/ is a Node server: its fetch reaches vendors, not a page.
    ignores: ['src/install.ts', 'src/env.ts', 'src/browser/**', 'src/consent-ui/**', 'src/chunks/**', 'src/cli.ts', 'src/relay/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...browserGlobals.map((name) => ({
          name,
          message: 'Use the injected Env; only src/install.ts, src/env.ts and src/browser/ touch browser globals.',
        })),
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'Use zod/mini: classic zod costs ~24 KB and contains new Function.' }],
          patterns: [
            {
              group: ['**/demo/**', '**/test/**', '**/consent-ui/**', '!**/consent-ui/types'],
              message: 'Keep demo, test and consent-ui code out of the runtime graph.',
            },
            { group: ['**/chunks/**', '!./register'], message: 'chunks/ are build entries of their own; nothing imports them.' },
          ],
        },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': ['error', { property: 'innerHTML', message: 'Never write HTML: use textContent.' }],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
  },
);
