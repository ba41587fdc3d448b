import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { MigrationFailedError } from '../db.errors';
import { readMigrationList, readSchemaFiles } from './migration-files';
import { EMPTY_SCHEMA_FILTER, openSchemaEngine, type EngineSession } from './schema-engine';

export interface MigrationStatus {
  /** Migration folder names, in order. */
  local: string[];
  /** Applied (finished, not rolled back) per the database's `_prisma_migrations`, in order. */
  applied: string[];
  pending: string[];
  failed: string[];
  /** Applied migrations whose file changed since (checksum mismatch). */
  edited: string[];
  /** Applied in the database but missing from the folder (another branch, or a deleted file). */
  unknown: string[];
  upToDate: boolean;
}

/**
 * Applies and inspects the migration history with Prisma's schema engine, so the
 * `_prisma_migrations` table is exactly what `prisma migrate deploy` writes and reads.
 */
export class Migrator {
  constructor(
    private readonly factory: SqlMigrationAwareDriverAdapterFactory,
    private readonly prismaDir: string,
  ) {}

  /** Applies every pending migration, each in order; a no-op when up to date. */
  async deploy(): Promise<{ applied: string[] }> {
    const migrationsList = await readMigrationList(this.prismaDir);
    return this.withEngine(async ({ engine, logs }) => {
      try {
        const output = await engine.applyMigrations({ migrationsList, filters: EMPTY_SCHEMA_FILTER });
        return { applied: output.appliedMigrationNames };
      } catch (error) {
        throw new MigrationFailedError(`Applying migrations failed: ${describe(error, logs)}.`, error);
      }
    });
  }

  async status(): Promise<MigrationStatus> {
    const migrationsList = await readMigrationList(this.prismaDir);
    const local = migrationsList.migrationDirectories.map((directory) => directory.path);
    return this.withEngine(async ({ engine, logs }) => {
      try {
        const diagnosis = await engine.diagnoseMigrationHistory({
          migrationsList,
          optInToShadowDatabase: false,
          filters: EMPTY_SCHEMA_FILTER,
        });
        const history = diagnosis.history;
        const pending =
          history?.diagnostic === 'databaseIsBehind'
            ? history.unappliedMigrationNames
            : history?.diagnostic === 'historiesDiverge'
              ? history.unappliedMigrationNames
              : [];
        const unknown =
          history?.diagnostic === 'migrationsDirectoryIsBehind' || history?.diagnostic === 'historiesDiverge'
            ? history.unpersistedMigrationNames
            : [];
        const applied = local.filter((name) => !pending.includes(name) && !diagnosis.failedMigrationNames.includes(name));
        return {
          local,
          applied: diagnosis.hasMigrationsTable ? applied : [],
          pending: diagnosis.hasMigrationsTable ? pending : local,
          failed: diagnosis.failedMigrationNames,
          edited: diagnosis.editedMigrationNames,
          unknown,
          upToDate:
            diagnosis.hasMigrationsTable &&
            history === null &&
            diagnosis.failedMigrationNames.length === 0 &&
            diagnosis.editedMigrationNames.length === 0,
        };
      } catch (error) {
        throw new MigrationFailedError(`Reading the migration history failed: ${describe(error, logs)}.`, error);
      }
    });
  }

  private async withEngine<T>(work: (session: EngineSession) => Promise<T>): Promise<T> {
    const tracked = trackAdapters(this.factory);
    const session = await openSchemaEngine(tracked.factory, await readSchemaFiles(this.prismaDir));
    try {
      return await work(session);
    } finally {
      session.engine.free();
      await tracked.disposeAll();
    }
  }
}

/** Wraps a factory so every connection the engine opens is closed when we are done with it. */
export function trackAdapters(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll: () => Promise<void>;
} {
  const opened: SqlDriverAdapter[] = [];
  const record = async (adapter: Promise<SqlDriverAdapter>) => {
    const value = await adapter;
    opened.push(value);
    return value;
  };
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: () => record(factory.connect()),
      connectToShadowDb: () => record(factory.connectToShadowDb()),
    },
    disposeAll: async () => {
      await Promise.allSettled(opened.splice(0).map((adapter) => adapter.dispose()));
    },
  };
}

function describe(error: unknown, logs: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const lastLog = logs.at(-1);
  return lastLog && !message.includes(lastLog) ? `${message} (engine: ${lastLog})` : message;
}
