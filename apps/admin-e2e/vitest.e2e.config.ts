import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Named *.e2e.config so the Nx vitest plugin does not make it part of `npm test`: it needs the
// built apps and Debian's chromium (`npm run test:browser`, run by .ci/run).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['src/**/*.e2e.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false },
});
