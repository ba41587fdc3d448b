import { Inject, Injectable } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import { DATABASE_RUNTIME } from './database.tokens';
import type { DatabaseRuntime } from '../database-runtime';

/**
 * The Prisma client for Nest: one pool per process, to the server or the embedded database alike.
 * It disconnects at application shutdown (DatabaseModule), after every module's onModuleDestroy,
 * so layers can still write then (the audit log flushes its queue there).
 */
@Injectable()
export class PrismaService extends PrismaClient {
  constructor(@Inject(DATABASE_RUNTIME) runtime: DatabaseRuntime) {
    super({ adapter: new PrismaPg({ connectionString: runtime.url, max: runtime.poolMax }) });
  }
}
