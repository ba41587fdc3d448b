import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import { DATABASE_RUNTIME } from './database.tokens';
import type { DatabaseRuntime } from '../database-runtime';

/** The Prisma client for Nest: one pool per process, to the server or the embedded database alike. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE_RUNTIME) runtime: DatabaseRuntime) {
    super({ adapter: new PrismaPg({ connectionString: runtime.url, max: runtime.poolMax }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
