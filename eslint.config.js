import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The boundaries of docs/architecture.md, "Boundaries"; test/unit/lint-boundaries.test.ts proves
// that each one fires.
const NO_UI = ['electron', 'react', 'react-dom'];
const RENDERER = {
  regex: '(^|/)renderer(/|$)',
  message: 'Only the renderer holds UI code; nothing else imports it.',
};
/** What sits around the core: the adapters and the doors, and what only they use. */
const DOORS = ['adapters', 'server', 'cli', 'main', 'preload', 'security', 'demo', 'lib'];
/** An import of one of `names` under electron/, by a relative path from electron/<dir>/ or by name. */
const doors = (names) =>
  `^(\\.\\./)+(electron/)?(${names.join('|')})(/|$)|(^|/)electron/(${names.join('|')})(/|$)`;
const NOT_FROM_ELECTRON =
  'The renderer imports nothing from electron/: declare what it shares with a host in shared/contract.';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'dist-electron',
      'dist-lib',
      'release',
      'test-results',
      'playwright-report',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The contract's index builds every zod schema: values come from its zod-free modules.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'shared/contract(/index)?$',
              allowTypeImports: true,
              message: 'Import values from shared/contract/names, job or transport (no zod).',
            },
            {
              regex:
                'shared/contract/(ids|divergence|jobs|migration|telemetry|operation|errors|events)$',
              allowTypeImports: true,
              message: 'Import values from shared/contract/names, job or transport (no zod).',
            },
            // Not even types: what the console shares with a host is declared in the contract.
            {
              regex: '^electron$|(^|/)electron/',
              message: NOT_FROM_ELECTRON,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NO_UI,
          patterns: [
            RENDERER,
            { regex: doors(DOORS), message: 'The core imports none of the doors around it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NO_UI,
          patterns: [
            RENDERER,
            {
              regex: '(^|/)electron/',
              message:
                'The contract is bundled into the renderer: it imports nothing from electron/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NO_UI,
          patterns: [
            RENDERER,
            {
              regex: doors(DOORS.filter((door) => door !== 'lib')),
              message: 'The library is the core for Node services: it imports no other door.',
            },
          ],
        },
      ],
    },
  },
);
