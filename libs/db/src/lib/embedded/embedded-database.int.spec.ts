import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDatabase } from './embedded-database';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('EmbeddedDatabase', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-embedded-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('serves PostgreSQL with pgvector on loopback and keeps data across restarts', async () => {
    const first = await EmbeddedDatabase.start({ dataDir });
    expect(first.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
    await query(first.url, 'CREATE EXTENSION IF NOT EXISTS vector');
    await query(first.url, `CREATE TABLE kept (v vector(2)); INSERT INTO kept VALUES ('[1,2]')`);
    await first.stop();

    const second = await EmbeddedDatabase.start({ dataDir });
    try {
      expect(await query(second.url, 'SELECT v::text AS v FROM kept')).toEqual([{ v: '[1,2]' }]);
    } finally {
      await second.stop();
    }
  });

  it('refuses a second opener of the same data dir while the first is alive', async () => {
    const owner = await EmbeddedDatabase.start({ dataDir });
    try {
      // Same process counts as the owner; simulate another live process holding the lock.
      await writeFile(path.join(dataDir, 'embedded.lock'), JSON.stringify({ pid: process.ppid, url: owner.url }));
      await expect(EmbeddedDatabase.start({ dataDir })).rejects.toMatchObject({ code: 'db.embedded_in_use' });
    } finally {
      await owner.stop();
    }
  });

  it('takes over a stale lock left by a crashed process', async () => {
    await writeFile(path.join(dataDir, 'embedded.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const db = await EmbeddedDatabase.start({ dataDir });
    await db.stop();
  });
});
