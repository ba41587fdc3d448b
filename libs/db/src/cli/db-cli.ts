/**
 * `npm run db:migrate | db:status | db:new -- NAME | db:generate`: the migration workflow, offline.
 * Targets DATABASE_URL when set, else the embedded database in STRATA_DATA_DIR (which must not be
 * open in a running Strata: stop it first; it applies migrations at start anyway).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isDomainError, loadConfig } from '@strata/kernel';
import { EmbeddedDatabaseInUseError } from '../lib/db.errors';
import { DataDirLock } from '../lib/embedded/data-dir-lock';
import { migrateDatabase, openDatabase, type DatabaseRuntime } from '../lib/database-runtime';
import { createMigration } from '../lib/migrations/create-migration';
import { DEFAULT_PRISMA_DIR } from '../lib/migrations/migration-files';
import type { MigrationStatus } from '../lib/migrations/migrator';

const USAGE = `Usage: npm run db:<command>
  db:migrate          apply pending migrations
  db:status           show applied, pending, failed and edited migrations
  db:new -- NAME      write a migration for the schema changes in libs/db/prisma/schema
  db:generate         regenerate the Prisma client`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'generate':
      return generateClient();
    case 'new': {
      const name = rest.join('_');
      if (!name) {
        console.error('db:new needs a name: npm run db:new -- add_approvals');
        return 2;
      }
      step(`Diffing the migration history against the schema (in-memory database, no server needed)…`);
      const created = await createMigration(DEFAULT_PRISMA_DIR, name);
      if (!created) {
        console.log('The schema matches the migration history; no migration written.');
        return 0;
      }
      console.log(`Wrote ${path.relative(process.cwd(), created.file)}:\n\n${created.sql}`);
      console.log('Review it, then `npm run db:migrate` to apply it.');
      return generateClient();
    }
    case 'migrate':
    case 'status': {
      const runtime = await openTarget();
      try {
        if (command === 'migrate') {
          step('Applying migrations…');
          const { applied, status } = await migrateDatabase(runtime);
          console.log(applied.length ? `Applied ${applied.length}: ${applied.join(', ')}` : 'Nothing to apply.');
          printStatus(status);
          return 0;
        }
        const status = await runtime.migrator.status();
        printStatus(status);
        return status.upToDate ? 0 : 1;
      } finally {
        await runtime.close();
      }
    }
    default:
      console.error(USAGE);
      return command ? 2 : 0;
  }
}

async function openTarget(): Promise<DatabaseRuntime> {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    const owner = DataDirLock.read(path.resolve(config.STRATA_DATA_DIR));
    if (owner) {
      // A second client on the embedded socket can interleave with the platform's queries
      // (electric-sql/pglite#1046), and the running platform migrates at start anyway.
      throw new EmbeddedDatabaseInUseError(path.resolve(config.STRATA_DATA_DIR), owner.pid, owner.url);
    }
  }
  const runtime = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.STRATA_DATA_DIR,
    prismaDir: DEFAULT_PRISMA_DIR,
  });
  step(`Database: ${runtime.mode} (${runtime.mode === 'embedded' ? path.resolve(config.STRATA_DATA_DIR) : runtime.displayUrl})`);
  return runtime;
}

function printStatus(status: MigrationStatus): void {
  const mark = (name: string) =>
    status.failed.includes(name)
      ? 'FAILED '
      : status.edited.includes(name)
        ? 'EDITED '
        : status.pending.includes(name)
          ? 'pending'
          : 'applied';
  for (const name of status.local) console.log(`  ${mark(name)}  ${name}`);
  for (const name of status.unknown) console.log(`  UNKNOWN  ${name} (in the database, not in the folder)`);
  console.log(
    status.upToDate
      ? `Up to date: ${status.applied.length} migrations applied.`
      : `Not up to date: ${status.pending.length} pending, ${status.failed.length} failed, ${status.edited.length} edited, ${status.unknown.length} unknown. Run \`npm run db:migrate\`.`,
  );
}

function generateClient(): number {
  step('Generating the Prisma client…');
  const result = spawnSync('npx', ['--no', 'prisma', 'generate', '--config', path.join(DEFAULT_PRISMA_DIR, '..', 'prisma.config.ts')], {
    stdio: 'inherit',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  return result.status ?? 1;
}

function step(message: string): void {
  console.log(`› ${message}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isDomainError(error)) {
      console.error(`${error.code}: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  },
);
