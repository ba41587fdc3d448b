/**
 * Foundation benchmarks: how long the platform takes to start (fresh and existing embedded
 * database), to migrate a fresh database, to hand a test suite its database, and to answer a
 * readiness probe. Run with `npm run bench` (builds first); prints a Markdown table.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { DEFAULT_PRISMA_DIR, Migrator, pgliteMigrationFactory } from '@strata/db';
import { createTestDatabase } from '@strata/testing';

interface Row {
  what: string;
  runs: number;
  median: number;
  p95?: number;
  unit: string;
}

const rows: Row[] = [];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

function progress(message: string): void {
  process.stderr.write(`› ${message}\n`);
}

async function startToReady(dataDir: string): Promise<{ ms: number; stop: () => Promise<void>; base: string }> {
  const port = 30_000 + Math.floor(Math.random() * 10_000);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', './dist/apps/api/telemetry.js', 'dist/apps/api/main.js'], {
    env: { ...process.env, PORT: String(port), STRATA_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) break;
    } catch {
      // not yet listening
    }
    if (performance.now() - started > 120_000) throw new Error('not ready within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ms = performance.now() - started;
  return {
    ms,
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const runs = Number(process.env['BENCH_RUNS'] ?? 3);

  progress(`start to ready on a fresh embedded database (${runs} runs)…`);
  const fresh: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'strata-bench-'));
    const first = await startToReady(dir);
    fresh.push(first.ms);
    await first.stop();
    progress(`restart on the same data dir (run ${i + 1}/${runs})…`);
    const again = await startToReady(dir);
    warm.push(again.ms);
    if (i === runs - 1) {
      progress('readiness probe latency (1,000 sequential requests)…');
      const latencies: number[] = [];
      for (let n = 0; n < 1000; n += 1) {
        const t = performance.now();
        await (await fetch(`${again.base}/health/ready`)).arrayBuffer();
        latencies.push(performance.now() - t);
      }
      rows.push({ what: 'GET /health/ready (embedded, keep-alive, sequential)', runs: 1000, median: median(latencies), p95: percentile(latencies, 0.95), unit: 'ms' });
    }
    await again.stop();
    await rm(dir, { recursive: true, force: true });
  }
  rows.unshift(
    { what: '`npm start`\'s node command to ready, fresh embedded database (creates, migrates)', runs, median: median(fresh), p95: Math.max(...fresh), unit: 'ms' },
    { what: 'same, existing embedded database (restart)', runs, median: median(warm), p95: Math.max(...warm), unit: 'ms' },
  );

  progress(`migrating a fresh in-memory PGlite (${runs} runs)…`);
  const migrate: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const db = await PGlite.create({ extensions: { vector } });
    const t = performance.now();
    await new Migrator(pgliteMigrationFactory(db), DEFAULT_PRISMA_DIR).deploy();
    migrate.push(performance.now() - t);
    await db.close();
  }
  rows.push({ what: 'apply all migrations to a fresh PGlite (WASM schema engine)', runs, median: median(migrate), p95: Math.max(...migrate), unit: 'ms' });

  progress(`createTestDatabase() with the cached snapshot (${runs * 3} runs)…`);
  await (await createTestDatabase()).close(); // builds the cache if missing
  const suites: number[] = [];
  for (let i = 0; i < runs * 3; i += 1) {
    const t = performance.now();
    const db = await createTestDatabase({ serverUrl: undefined });
    suites.push(performance.now() - t);
    await db.close();
  }
  rows.push({ what: 'createTestDatabase(): migrated PGlite for one suite (cached dump)', runs: runs * 3, median: median(suites), p95: Math.max(...suites), unit: 'ms' });

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.release()}\n`);
  console.log('| measure | runs | median | p95 / max |');
  console.log('|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.what} | ${row.runs} | ${row.median.toFixed(1)} ${row.unit} | ${row.p95 === undefined ? '' : `${row.p95.toFixed(1)} ${row.unit}`} |`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
