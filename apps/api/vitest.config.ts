import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __STRATA_VERSION__: JSON.stringify('0.0.0-test') },
  test: { include: ['src/**/*.spec.ts'], setupFiles: ['../../libs/testing/src/vitest-setup.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 },
});
