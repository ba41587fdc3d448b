import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };

/** The admin app is served by the API under /admin/; in `nx run admin:dev` Vite proxies API calls to it. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  define: { __STRATA_VERSION__: JSON.stringify(version) },
  plugins: [react()],
  build: { outDir: `${root}/dist/apps/admin`, emptyOutDir: true, sourcemap: true },
  server: {
    port: 4200,
    proxy: Object.fromEntries(
      ['/health', '/system', '/governance', '/observability', '/model-gateway', '/ontology', '/vectors', '/context', '/v1', '/openapi.json', '/docs'].map((path) => [path, process.env['STRATA_API_URL'] ?? 'http://127.0.0.1:3000']),
    ),
  },
});
