// Runs a benchmark through Vite's module runner instead of tsx: Vite 8 transforms TypeScript with
// Oxc, which emits the decorator metadata Nest's dependency injection needs (tsx's esbuild does not).
//   node bench/ontology/run-with-vite.mjs bench/ontology.bench.ts
import path from 'node:path';
import { runnerImport } from 'vite';

const entry = process.argv[2];
if (!entry) throw new Error('usage: run-with-vite.mjs <entry.ts>');
await runnerImport(path.resolve(entry), { configFile: false, logLevel: 'error', server: { watch: null } });
