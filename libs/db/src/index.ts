export { PrismaClient, Prisma } from './generated/prisma/client';
export type * from './generated/prisma/models';
export { PrismaService } from './lib/prisma/prisma.service';
export { DatabaseModule, type DatabaseModuleOptions, type MigrationReport } from './lib/prisma/database.module';
export { DATABASE_RUNTIME, MIGRATION_REPORT } from './lib/prisma/database.tokens';
export { DatabaseHealth, type DatabaseHealthReport } from './lib/prisma/database-health';
export { PlatformInstanceService, type PlatformInstanceInfo } from './lib/prisma/platform-instance.service';
export { openDatabase, migrateDatabase, type DatabaseRuntime } from './lib/database-runtime';
export { redactDatabaseUrl, type DatabaseMode, type DatabaseTargetOptions } from './lib/connection/database-target';
export { pgliteMigrationFactory, serverMigrationFactory } from './lib/connection/adapter-factories';
export { EmbeddedDatabase, type EmbeddedDatabaseOptions } from './lib/embedded/embedded-database';
export { Migrator, type MigrationStatus } from './lib/migrations/migrator';
export { createMigration, stripHandWrittenIndexDrops, type CreatedMigration } from './lib/migrations/create-migration';
export { DEFAULT_PRISMA_DIR, readMigrationList } from './lib/migrations/migration-files';
export {
  EmbeddedDatabaseInUseError,
  MigrationFailedError,
  MigrationHistoryError,
  DatabaseUnavailableError,
} from './lib/db.errors';
