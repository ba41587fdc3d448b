import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MigrationFailedError } from '../db.errors';
import { offlineMigrationFactory } from '../connection/adapter-factories';
import { readMigrationList, readSchemaFiles } from './migration-files';
import { trackAdapters } from './migrator';
import { EMPTY_SCHEMA_FILTER, openSchemaEngine } from './schema-engine';

export interface CreatedMigration {
  name: string;
  file: string;
  sql: string;
}

/**
 * Writes a new migration with the SQL that takes the migration history to the current schema
 * (like `prisma migrate diff --from-migrations --to-schema --script`). It needs no live database:
 * the history is replayed into an in-memory PGlite. Returns null when the schema has not changed.
 */
export async function createMigration(
  prismaDir: string,
  name: string,
  now: Date = new Date(),
): Promise<CreatedMigration | null> {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug) throw new MigrationFailedError(`"${name}" is not a usable migration name; use letters, digits and underscores.`);

  const migrationsList = await readMigrationList(prismaDir);
  const schemaFiles = await readSchemaFiles(prismaDir);
  const tracked = trackAdapters(offlineMigrationFactory());
  const { engine, logs } = await openSchemaEngine(tracked.factory, schemaFiles);
  let sql: string;
  try {
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: schemaFiles },
      script: true,
      exitCode: null,
      filters: EMPTY_SCHEMA_FILTER,
    });
    sql = stripHandWrittenIndexDrops(result.stdout ?? '');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new MigrationFailedError(`Computing the migration failed: ${detail} ${logs.at(-1) ?? ''}`.trim(), error);
  } finally {
    engine.free();
    await tracked.disposeAll();
  }

  if (!hasStatements(sql)) return null;
  const folder = `${timestamp(now)}_${slug}`;
  const file = path.join(migrationsList.baseDir, folder, 'migration.sql');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, sql.endsWith('\n') ? sql : `${sql}\n`);
  return { name: folder, file, sql };
}

/**
 * Prisma cannot express HNSW (and other hand-written) indexes, so every diff proposes to drop them.
 * Such indexes are named `*_hnsw_idx` (or `*_manual_idx`) by convention and their drops removed.
 */
export function stripHandWrittenIndexDrops(sql: string): string {
  return sql.replace(/-- DropIndex\nDROP INDEX "[^"]*_(hnsw|manual)_idx";\n*/g, '');
}

function hasStatements(sql: string): boolean {
  return sql
    .split('\n')
    .some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
