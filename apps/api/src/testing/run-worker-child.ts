import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@strata/kernel';
import { createApiApp } from '../app/bootstrap';
import { RunCrashPlans } from './run-crash-plans';
import { SweepToolsModule } from './sweep-tools';

/**
 * The crash-point sweep's worker process: the API application with its run worker on the test's
 * database, the sweep's tools, and the per-run crash plans in `SWEEP_PLAN_DIR` (RunCrashPlans: the
 * worker kills itself where the run it executes is planned to die). It takes one run at a time, so
 * a boundary belongs to its one active run. It also serves HTTP on a free loopback port, printed as
 * `worker ready <port> …`: on the embedded database the test must stay off the database while a
 * worker works (PGlite serves one session), so it reads run states and decides approvals through
 * this worker's API instead. The test bundles this file with Vite (Oxc keeps the decorator metadata
 * Nest needs) and starts the bundle with its own Node 24.
 */
const env = process.env;
/**
 * Started ahead of time (its modules load while other workers run), it waits for `go` on stdin
 * before it takes runs. On a PostgreSQL server it builds the application (which reads the migration
 * status) before that too; on PGlite it must not open the database until `go`.
 */
const goSignal = new Promise<void>((resolve) => {
  let buffer = '';
  process.stdin.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    if (buffer.includes('\n')) resolve();
  });
});
const buildBeforeGo = env['SWEEP_BUILD_BEFORE_GO'] === '1';
let goAt = performance.now();
const go = async () => {
  process.stdout.write('worker loaded\n');
  await goSignal;
  goAt = performance.now();
};
if (!buildBeforeGo) await go();
const databaseUrl = env['SWEEP_DATABASE_URL'] as string;
const config = loadConfig({
  LOG_LEVEL: env['SWEEP_LOG_LEVEL'] ?? 'silent',
  DATABASE_URL: databaseUrl,
  STRATA_ADMIN_DIST: '',
  STRATA_TELEMETRY: 'off',
  STRATA_MIGRATE_ON_START: 'false',
  STRATA_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'strata-sweep-')),
  STRATA_MODEL_KEYS: env['SWEEP_MODEL_KEYS'] as string,
  STRATA_MODEL_RETRIES: '0',
  // One run at a time: the crash plans attribute each boundary to the worker's one active run.
  STRATA_RUN_CONCURRENCY: '1',
  STRATA_RUN_POLL_MS: '50',
  STRATA_RUN_LEASE_MS: env['SWEEP_LEASE_MS'] ?? '2000',
  STRATA_RUN_APPROVAL_SWEEP_MS: '100',
  STRATA_AUDIT_CHECKPOINT_INTERVAL_MS: '600000',
  STRATA_APPROVAL_SWEEP_INTERVAL_MS: '600000',
});
// The bundle lives elsewhere than the sources: name the schema and migrations folder explicitly.
const prismaDir = env['SWEEP_PRISMA_DIR'] as string;
const app = await createApiApp({
  config,
  prismaDir,
  // One connection on the embedded database (PGlite serves one session), a few on a server.
  database: { databaseUrl, dataDir: config.STRATA_DATA_DIR, migrateOnStart: false, poolMax: Number(env['SWEEP_POOL_MAX'] ?? '1'), prismaDir },
  imports: [SweepToolsModule.forRoot({ receiverUrl: env['SWEEP_RECEIVER_URL'] as string, crashPlans: new RunCrashPlans(env['SWEEP_PLAN_DIR'] as string, true) })],
});
if (buildBeforeGo) await go();
await app.listen(0, '127.0.0.1');
const address = app.getHttpServer().address() as { port: number };
// With the milliseconds from `go` to serving and the CPU milliseconds used since the start (the test reports them).
const cpu = process.cpuUsage();
process.stdout.write(`worker ready ${address.port} ${Math.round(performance.now() - goAt)} ${Math.round((cpu.user + cpu.system) / 1000)}\n`);
process.once('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
