import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['eslint/**/*.spec.ts', 'generators/**/*.spec.ts'], environment: 'node', testTimeout: 120_000 },
});
