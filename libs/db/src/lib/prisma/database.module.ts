import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { migrateDatabase, openDatabase, type DatabaseRuntime } from '../database-runtime';
import type { DatabaseTargetOptions } from '../connection/database-target';
import type { MigrationStatus } from '../migrations/migrator';
import { DEFAULT_PRISMA_DIR } from '../migrations/migration-files';
import { DatabaseHealth } from './database-health';
import { DATABASE_RUNTIME, MIGRATION_REPORT } from './database.tokens';
import { PlatformInstanceService } from './platform-instance.service';
import { PrismaService } from './prisma.service';

export interface MigrationReport {
  applied: string[];
  status: MigrationStatus;
}

export type DatabaseModuleOptions =
  | (DatabaseTargetOptions & {
      /** Folder with `schema/` and `migrations/`; defaults to the one shipped with @strata/db. */
      prismaDir?: string;
      poolMax?: number;
      migrateOnStart: boolean;
    })
  | {
      /** An already open database (tests); it is not closed by the module. */
      runtime: DatabaseRuntime;
      migrateOnStart: boolean;
    };

/**
 * Last step of a shutdown, after every module's onModuleDestroy (where layers flush their writes):
 * disconnect the pool, then close the database if this module opened it.
 */
@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime,
    @Inject('strata.db.ownsRuntime') private readonly ownsRuntime: boolean,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
    if (this.ownsRuntime) await this.runtime.close();
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const ownsRuntime = !('runtime' in options);
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        { provide: 'strata.db.ownsRuntime', useValue: ownsRuntime },
        {
          provide: DATABASE_RUNTIME,
          useFactory: async (): Promise<DatabaseRuntime> =>
            'runtime' in options
              ? options.runtime
              : openDatabase({ ...options, prismaDir: options.prismaDir ?? DEFAULT_PRISMA_DIR }),
        },
        {
          provide: MIGRATION_REPORT,
          inject: [DATABASE_RUNTIME],
          useFactory: async (runtime: DatabaseRuntime): Promise<MigrationReport> => {
            try {
              if (options.migrateOnStart) return await migrateDatabase(runtime);
              return { applied: [], status: await runtime.migrator.status() };
            } catch (error) {
              // Nest would keep the embedded database open after a failed boot.
              if (ownsRuntime) await runtime.close().catch(() => undefined);
              throw error;
            }
          },
        },
        PrismaService,
        DatabaseHealth,
        PlatformInstanceService,
        DatabaseShutdown,
      ],
      exports: [DATABASE_RUNTIME, MIGRATION_REPORT, PrismaService, DatabaseHealth, PlatformInstanceService],
    };
  }
}
