// ESLint 9 flat config (typescript-eslint 8, type-aware).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const deterministic =
  'Workflow code must stay deterministic: it runs in the Temporal workflow sandbox and is replayed. ' +
  'Do I/O in activities and call them with proxyActivities().';

// Every Node built-in, in both `fs` and `node:fs` forms.
const nodeBuiltins = [
  ...new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m, m.slice(5)] : [m, `node:${m}`]))),
];
const bannedPackages = [
  'pg',
  'drizzle-orm',
  'fastify',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'pino',
];

export default tseslint.config(
  {
    ignores: ['node_modules/', '.tools/', 'data/', 'tests/.tmp/', 'db/migrations/', '**/*.mjs', '**/*.js'],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // Temporal workflow code: no I/O, no Node APIs, no real timers or randomness sources.
    // (Math.random, Date and uuid4() are fine: the workflow sandbox makes them deterministic.)
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...bannedPackages].map((name) => ({
            name,
            message: deterministic,
            allowTypeImports: true,
          })),
          patterns: [
            {
              group: bannedPackages.map((p) => `${p}/*`),
              message: deterministic,
              allowTypeImports: true,
            },
            {
              // value imports of the app's I/O layers (type-only imports are erased, so they are fine)
              regex: String.raw`^(\.{1,2}/)+(.*/)?(activities|db|api)(/|\.js$|$)`,
              message: `${deterministic} Import activities only as types: import type * as activities from '../activities/index.js'.`,
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: `${deterministic} Use sleep() or condition() from @temporalio/workflow.` },
        { name: 'setInterval', message: `${deterministic} Use a loop with sleep() from @temporalio/workflow.` },
        { name: 'setImmediate', message: deterministic },
        { name: 'crypto', message: `${deterministic} Use uuid4() from @temporalio/workflow.` },
        { name: 'process', message: `${deterministic} Pass configuration in as workflow arguments.` },
        { name: 'require', message: deterministic },
      ],
      'no-restricted-properties': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'crypto', 'process'].map((property) => ({
          object: 'globalThis',
          property,
          message: deterministic,
        })),
      ],
    },
  },
);
