import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type InlineConfig, type Plugin, type UserConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const appRoot = fileURLToPath(new URL('.', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
const define = { __STRATA_VERSION__: JSON.stringify(version) };

/**
 * Packages the telemetry preload must not load: their instrumentations only apply to modules
 * loaded after the SDK started, which is the point of the preload.
 */
const LOADED_AFTER_TELEMETRY = /^(pg|pg-pool|express|@nestjs\/core|@nestjs\/platform-express|@prisma\/.*|@electric-sql\/.*)(\/|$)/;

/**
 * The second entry, `telemetry.js` (`node --import`), built on its own: it shares source with
 * main.js (the observability library) but must pull in only the SDK. Side-effect-free tree-shaking
 * drops every module whose exports it does not use; the check below fails the build if an
 * instrumented package is imported anyway (e.g. a new import in a file the SDK setup uses).
 */
function telemetryBuild(outDir: string): InlineConfig {
  return {
    configFile: false,
    root: appRoot,
    logLevel: 'warn',
    define,
    ssr: { noExternal: [/^@strata\//] },
    build: {
      ssr: 'src/telemetry.ts',
      target: 'node24',
      outDir,
      emptyOutDir: false,
      sourcemap: true,
      minify: false,
      rollupOptions: {
        treeshake: { moduleSideEffects: false },
        output: { entryFileNames: 'telemetry.js', chunkFileNames: 'telemetry-[name].js', format: 'es' },
      },
    },
    plugins: [
      {
        name: 'strata-telemetry-imports',
        generateBundle(_options, bundle) {
          for (const chunk of Object.values(bundle)) {
            if (chunk.type !== 'chunk') continue;
            const loaded = [...chunk.imports, ...chunk.dynamicImports].filter((id) => LOADED_AFTER_TELEMETRY.test(id));
            if (loaded.length) this.error(`${chunk.fileName} imports ${loaded.join(', ')}; the telemetry preload must not load instrumented packages.`);
          }
        },
      },
    ],
  };
}

/**
 * The API is bundled into one ES module (our libraries inlined, npm packages external) with the
 * Prisma migrations beside it, so `node dist/apps/api/main.js` runs without TypeScript tooling.
 * Vite's Oxc transform emits decorator metadata from the tsconfig, which Nest's DI needs.
 */
export default defineConfig((): UserConfig => {
  let outDir = `${root}/dist/apps/api`;
  const afterMain: Plugin = {
    name: 'strata-after-main',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      rmSync(`${outDir}/prisma`, { recursive: true, force: true });
      cpSync(`${root}/libs/db/prisma`, `${outDir}/prisma`, { recursive: true });
      await build(telemetryBuild(outDir));
    },
  };
  return {
    root: appRoot,
    define,
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
    plugins: [afterMain],
  };
});
