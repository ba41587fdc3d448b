import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EmbeddedDatabaseInUseError } from '../db.errors';

export interface LockOwner {
  pid: number;
  /** Where the owner serves the database over the PostgreSQL protocol, if it does. */
  url?: string;
}

const LOCK_FILE = 'embedded.lock';

/**
 * PGlite's data directory may be opened by one process only; two would corrupt it. The owner
 * writes its pid (and socket URL) here; a lock whose pid is gone is stale and taken over.
 */
export class DataDirLock {
  private constructor(
    private readonly file: string,
    private owner: LockOwner,
  ) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, LOCK_FILE);
    const current = DataDirLock.read(dataDir);
    if (current && current.pid !== process.pid && isAlive(current.pid)) {
      throw new EmbeddedDatabaseInUseError(dataDir, current.pid, current.url);
    }
    const lock = new DataDirLock(file, { pid: process.pid });
    lock.write();
    return lock;
  }

  /** The live owner of the data dir, if any. */
  static read(dataDir: string): LockOwner | undefined {
    try {
      const owner = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockOwner;
      return typeof owner.pid === 'number' && isAlive(owner.pid) ? owner : undefined;
    } catch {
      return undefined;
    }
  }

  publish(url: string): void {
    this.owner = { ...this.owner, url };
    this.write();
  }

  release(): void {
    rmSync(this.file, { force: true });
  }

  private write(): void {
    writeFileSync(this.file, JSON.stringify(this.owner));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
