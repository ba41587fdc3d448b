import { createHash } from 'node:crypto';
import { readMigrationList } from '@strata/db';

/** A short hash of every migration's name and SQL: a cached migrated database is valid while it matches. */
export async function migrationsFingerprint(prismaDir: string): Promise<string> {
  const list = await readMigrationList(prismaDir);
  const hash = createHash('sha256');
  for (const directory of list.migrationDirectories) {
    hash.update(directory.path);
    hash.update('\0');
    hash.update(directory.migrationFile.content.value);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
