import { Inject, Injectable } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { PrismaClient, type Prisma } from '../../generated/prisma/client';
import { DATABASE_RUNTIME } from './database.tokens';
import type { DatabaseRuntime } from '../database-runtime';

/**
 * The Prisma client for Nest: one pool per process, to the server or the embedded database alike.
 * It disconnects at application shutdown (DatabaseModule), after every module's onModuleDestroy,
 * so layers can still write then (the audit log flushes its queue there); the pool ends with it.
 */
@Injectable()
export class PrismaService extends PrismaClient {
  private readonly pool: pg.Pool;
  /** Prepared statements only on a server: PGlite serves every connection from ONE session. */
  private readonly prepares: boolean;

  constructor(@Inject(DATABASE_RUNTIME) runtime: DatabaseRuntime) {
    const pool = new pg.Pool({ connectionString: runtime.url, max: runtime.poolMax });
    // An idle connection the server drops (restart, failover) must not crash the process; the
    // next query opens a new one. Prisma's adapter listens too, but only once it has connected.
    pool.on('error', () => undefined);
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
    this.prepares = runtime.mode === 'server';
  }

  /** Disconnects Prisma and ends the pool (also when only queryDirect used it). */
  override async $disconnect(): Promise<void> {
    await super.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }

  /**
   * One statement on Prisma's own pool, past the ORM's query path: for the few hot statements
   * where that path costs more than the statement (an agent step's checkpoints, docs/benchmarks.md).
   * With `prepared` (on a server), the statement is parsed and planned once per connection and then
   * only executed. Its name is derived from the text and made unique per connection, so no two
   * texts share a plan and no connection meets a name another one prepared (PGlite's socket serves
   * all connections from one session, where names would collide; on the embedded database nothing
   * is prepared, since its reconnects would leave statements behind in that session). Rows come as
   * `pg` returns them (snake_case columns, bigint and numeric as strings). Autocommit only: never
   * call it inside a Prisma transaction — on the embedded database the pool has one connection,
   * which that transaction holds.
   */
  async queryDirect<T>(sql: Prisma.Sql, options: { prepared?: string } = {}): Promise<T[]> {
    const values = sql.values as unknown[];
    if (!options.prepared || !this.prepares) return (await this.pool.query(sql.text, values)).rows as T[];
    const client = await this.pool.connect();
    try {
      const name = `${this.statementName(options.prepared, sql.text)}_${this.connectionTag(client)}`;
      return (await client.query({ name, text: sql.text, values })).rows as T[];
    } finally {
      client.release();
    }
  }

  private readonly statementNames = new Map<string, string>();
  private readonly connectionTags = new WeakMap<pg.PoolClient, string>();

  private statementName(prefix: string, text: string): string {
    let name = this.statementNames.get(text);
    if (!name) {
      name = `${prefix}_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
      // Fixed statements only: a handful of texts. The bound guards against misuse.
      if (this.statementNames.size < 256) this.statementNames.set(text, name);
    }
    return name;
  }

  private connectionTag(client: pg.PoolClient): string {
    let tag = this.connectionTags.get(client);
    if (!tag) {
      tag = randomBytes(6).toString('hex');
      this.connectionTags.set(client, tag);
    }
    return tag;
  }
}
