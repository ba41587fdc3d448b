import 'reflect-metadata';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidConfigError, loadConfig } from '@strata/kernel';
import { DATABASE_RUNTIME, MIGRATION_REPORT, PlatformInstanceService, type DatabaseRuntime, type MigrationReport } from '@strata/db';
import { TenantProvisioningService } from '@strata/governance';
import { Logger } from 'nestjs-pino';
import { ADMIN_BASE } from './app/admin/admin-static';
import { createApiApp } from './app/bootstrap';
import { ApiWorkerCluster, apiWorkerIndex, reportWorkerReady } from './app/lifecycle/api-worker-cluster';
import { GracefulShutdown } from './app/lifecycle/graceful-shutdown';
import { STRATA_VERSION } from './app/version';

if (Number(process.versions.node.split('.')[0]) !== 24) {
  console.error(`Strata needs Node 24; this is ${process.versions.node}. Start it with \`npm start\`.`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const workerIndex = apiWorkerIndex();
  if (config.STRATA_API_WORKERS > 1 && workerIndex === undefined && config.STRATA_RUN_WORKER !== 'only') {
    // The primary of several API workers: it forks them and serves nothing itself.
    await new ApiWorkerCluster(config.STRATA_API_WORKERS).run();
    return;
  }

  // The bundle ships the Prisma migrations beside it (see vite.config.ts).
  const prismaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'prisma');
  const app = await createApiApp({ config, prismaDir });
  const logger = app.get(Logger);
  const shutdown = new GracefulShutdown(app, config.STRATA_SHUTDOWN_TIMEOUT_MS, logger);
  if (workerIndex === undefined) shutdown.listen();
  else shutdown.listenToPrimary();

  const runtime = app.get<DatabaseRuntime>(DATABASE_RUNTIME);
  const migrations = app.get<MigrationReport>(MIGRATION_REPORT);
  const instance = await app.get(PlatformInstanceService).recordStart(STRATA_VERSION);
  const bootstrap =
    config.STRATA_BOOTSTRAP === 'always' || (config.STRATA_BOOTSTRAP === 'auto' && runtime.mode === 'embedded')
      ? await app.get(TenantProvisioningService).bootstrapIfEmpty()
      : null;
  if (config.STRATA_RUN_WORKER === 'only') {
    // A worker process: executes agent runs (libs/context RunWorker) and serves no HTTP.
    await app.init();
    logger.log({ version: STRATA_VERSION, database: runtime.mode, databaseUrl: runtime.displayUrl, instanceId: instance.id }, 'Strata run worker started');
    return;
  }
  await app.listen(config.PORT, config.HOST);
  reportWorkerReady();

  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  logger.log(
    {
      version: STRATA_VERSION,
      database: runtime.mode,
      databaseUrl: runtime.displayUrl,
      migrationsApplied: migrations.applied,
      instanceId: instance.id,
      firstStart: instance.firstStart,
      ...(workerIndex === undefined ? {} : { apiWorker: workerIndex }),
    },
    'Strata started',
  );
  // Several API workers: the first one prints the banner (and the bootstrap key, which it created).
  if (workerIndex !== undefined && workerIndex > 1) return;
  const where = runtime.mode === 'embedded' ? `embedded (${runtime.embedded?.dataDir}, psql: ${runtime.url})` : runtime.displayUrl;
  process.stdout.write(
    `\n  Strata ${STRATA_VERSION} is running\n` +
      `    Admin:     ${base}${ADMIN_BASE}\n` +
      `    API docs:  ${base}/docs\n` +
      `    Health:    ${base}/health/ready\n` +
      `    Database:  ${where}\n\n`,
  );
  if (bootstrap) {
    // Printed once, to the terminal only (not into the JSON log): the key is stored only as a hash.
    process.stdout.write(
      `  First start: created tenant "${bootstrap.tenant.slug}" with an owner API key.\n` +
        `  Store it now, it is not shown again:\n\n    ${bootstrap.token}\n\n` +
        `  Sign in at ${base}${ADMIN_BASE} with it, then create personal keys and revoke this one.\n\n`,
    );
  }
}

main().catch((error: unknown) => {
  const coded = error as { code?: string; message?: string };
  console.error(`Strata failed to start: ${coded.code ? `${coded.code}: ` : ''}${coded.message ?? String(error)}`);
  if (!coded.code) console.error(error);
  process.exit(1);
});
