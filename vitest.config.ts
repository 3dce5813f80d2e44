import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timestamps in assertions are UTC; pin the zone so local time never leaks in.
    env: { TZ: 'UTC' },
  },
});
