import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['src/**/*.spec.ts'], setupFiles: ['../testing/src/vitest-setup.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 },
});
