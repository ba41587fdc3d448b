import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { DataDirLock } from './data-dir-lock';

export interface EmbeddedDatabaseOptions {
  /** Folder holding the database files; created if missing. */
  dataDir: string;
  /** Loopback port for PostgreSQL clients; 0 picks a free one. */
  port?: number;
  /** Upper bound on client connections; keep the Prisma pool below it. */
  maxConnections?: number;
}

/**
 * PostgreSQL (PGlite, with pgvector) running inside this process, persisted in a folder, and served
 * over the PostgreSQL wire protocol on loopback, so the rest of the platform connects to it exactly
 * as it connects to a server: through DATABASE_URL-style URLs and the same Prisma adapter.
 *
 * PGlite is a single session: connections are multiplexed by the socket server, an open transaction
 * holds the others back, and SET leaks between connections. The socket server also interleaves the
 * extended-protocol messages of concurrent connections (electric-sql/pglite#1046), so the platform
 * uses one connection, and other clients (psql's simple protocol is safe) should not run while it
 * does. Right for one node and development; production deployments set DATABASE_URL.
 */
export class EmbeddedDatabase {
  private constructor(
    readonly dataDir: string,
    readonly pglite: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lock: DataDirLock,
    readonly url: string,
  ) {}

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const dataDir = path.resolve(options.dataDir);
    const lock = DataDirLock.acquire(dataDir);
    let pglite: PGlite | undefined;
    try {
      pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), extensions: { vector } });
      const server = new PGLiteSocketServer({
        db: pglite,
        host: '127.0.0.1',
        port: options.port ?? 0,
        maxConnections: options.maxConnections ?? 16,
      });
      await server.start();
      const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      lock.publish(url);
      return new EmbeddedDatabase(dataDir, pglite, server, lock, url);
    } catch (error) {
      await pglite?.close().catch(() => undefined);
      lock.release();
      throw error;
    }
  }

  /** Closes client connections, flushes and closes the database, and releases the data dir. */
  async stop(): Promise<void> {
    try {
      await this.server.stop();
      await this.pglite.close();
    } finally {
      this.lock.release();
    }
  }
}
