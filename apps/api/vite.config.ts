import { cpSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };

/**
 * The API is bundled into one ES module (our libraries inlined, npm packages external) with the
 * Prisma migrations beside it, so `node dist/apps/api/main.js` runs without TypeScript tooling.
 * Vite's Oxc transform emits decorator metadata from the tsconfig, which Nest's DI needs.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  define: { __STRATA_VERSION__: JSON.stringify(version) },
  ssr: { noExternal: [/^@strata\//] },
  build: {
    ssr: 'src/main.ts',
    target: 'node24',
    outDir: `${root}/dist/apps/api`,
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rollupOptions: { output: { entryFileNames: 'main.js', format: 'es' } },
  },
  plugins: [
    {
      name: 'strata-copy-prisma',
      closeBundle() {
        rmSync(`${root}/dist/apps/api/prisma`, { recursive: true, force: true });
        cpSync(`${root}/libs/db/prisma`, `${root}/dist/apps/api/prisma`, { recursive: true });
      },
    },
  ],
});
