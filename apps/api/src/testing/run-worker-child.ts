import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RunEventBus } from '@strata/context';
import { loadConfig } from '@strata/kernel';
import { createApiApp } from '../app/bootstrap';
import { SweepToolsModule } from './sweep-tools';

/**
 * The crash-point sweep's worker process: the API application with its run worker (no HTTP
 * listener) on the test's database, the sweep's tools, and `STRATA_CRASH_AT` (read only here)
 * naming the boundary where it kills itself. The test bundles it with Vite (Oxc keeps the decorator
 * metadata Nest needs) and starts the bundle with its own Node 24.
 */
const env = process.env;
// Started ahead of time (its modules load while the previous worker still runs), it waits for
// `go <STRATA_CRASH_AT>` on stdin before it opens the database.
if (env['SWEEP_WAIT_FOR_GO']) {
  process.stdout.write('worker loaded\n');
  const line = await new Promise<string>((resolve) => {
    let buffer = '';
    process.stdin.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes('\n')) resolve(buffer.slice(0, buffer.indexOf('\n')));
    });
  });
  env['STRATA_CRASH_AT'] = line.replace(/^go ?/, '');
}
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
  STRATA_RUN_POLL_MS: '50',
  STRATA_RUN_LEASE_MS: env['SWEEP_LEASE_MS'] ?? '1000',
  STRATA_RUN_APPROVAL_SWEEP_MS: '100',
  STRATA_AUDIT_CHECKPOINT_INTERVAL_MS: '600000',
  STRATA_APPROVAL_SWEEP_INTERVAL_MS: '600000',
});
// The bundle lives elsewhere than the sources: name the schema and migrations folder explicitly.
const prismaDir = env['SWEEP_PRISMA_DIR'] as string;
const app = await createApiApp({
  config,
  prismaDir,
  // One connection, as on the embedded database (PGlite serves one session).
  database: { databaseUrl, dataDir: config.STRATA_DATA_DIR, migrateOnStart: false, poolMax: 1, prismaDir },
  imports: [SweepToolsModule.forRoot({ receiverUrl: env['SWEEP_RECEIVER_URL'] as string, crashAt: env['STRATA_CRASH_AT'] || undefined })],
});
// The test follows the run through these lines: it must not query the database while this process
// works (PGlite serves one session; two clients' extended-protocol messages would interleave).
const runId = env['SWEEP_RUN_ID'];
if (runId) {
  app.get(RunEventBus).subscribe(runId, (event) => {
    if (event.seq !== null) process.stdout.write(`event ${JSON.stringify({ seq: event.seq, type: event.type, data: event.data })}\n`);
  });
}
await app.init();
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
