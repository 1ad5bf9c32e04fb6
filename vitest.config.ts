import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    expect: { poll: { timeout: 15_000, interval: 50 } },
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // The domain's rules (workflows/rules/) over plain data: no server, milliseconds.
      { extends: true, test: { name: 'rules', include: ['tests/rules/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/rules/**'],
          // One Temporal dev server and one fresh PostgreSQL database for the whole run; see the file.
          globalSetup: ['tests/support/global-setup.ts'],
          // The run's audit keys in every test file's process, as each production process configures its own.
          setupFiles: ['tests/support/audit-keys.ts'],
        },
      },
    ],
  },
});
