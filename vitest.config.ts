import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One Temporal dev server and one fresh PostgreSQL database for the whole run; see the file.
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    expect: { poll: { timeout: 15_000, interval: 50 } },
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
