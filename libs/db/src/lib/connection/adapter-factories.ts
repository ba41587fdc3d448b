import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { CharAsTextClient } from './char-as-text-client';

/** A scratch database for the engine's diffs: always an in-memory PGlite with pgvector. */
async function connectToScratchDb(): Promise<SqlDriverAdapter> {
  const scratch = await PGlite.create({ extensions: { vector } });
  const adapter = await new PrismaPGlite(scratch).connect();
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await scratch.close();
  };
  return adapter;
}

/**
 * The adapter factory for migrations against a PostgreSQL server (or the embedded database through
 * its socket). Its shadow database is an in-memory PGlite, never a database on the target server:
 * adapter-pg's own shadow handling connects to the main database when given a connection string,
 * and through the embedded socket every database name is the same database.
 */
export function serverMigrationFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPg({ connectionString: url, max: 2, Client: CharAsTextClient } as never);
  return {
    provider: 'postgres',
    adapterName: main.adapterName,
    connect: async () => {
      const adapter = await main.connect();
      // adapter-pg 7.10 splits a migration script on every ';', cutting plpgsql bodies ($$ … ; … $$)
      // and comments apart. Sent whole without parameters, the script goes through the simple query
      // protocol and PostgreSQL parses it itself, as PGlite's adapter does (exec).
      adapter.executeScript = async (script: string) => {
        await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
      };
      return adapter;
    },
    connectToShadowDb: connectToScratchDb,
  };
}

/** The adapter factory for migrations against an in-process PGlite (tests, and the CLI when nothing else has the data dir open). */
export function pgliteMigrationFactory(db: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPGlite(db);
  return {
    provider: 'postgres',
    adapterName: main.adapterName,
    connect: () => main.connect(),
    connectToShadowDb: connectToScratchDb,
  };
}

/** A factory with no live database, for diffs that only need the scratch database. */
export function offlineMigrationFactory(): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: '@strata/db-offline',
    connect: connectToScratchDb,
    connectToShadowDb: connectToScratchDb,
  };
}
