import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __STRATA_VERSION__: JSON.stringify('0.0.0-test') },
  test: { include: ['src/**/*.spec.ts', 'src/**/*.spec.tsx'], environment: 'node' },
});
