import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStrata } from './support/strata-process';

interface Status {
  instance: { id: string } | null;
  database: { mode: string; migrations: { applied: number; upToDate: boolean } };
}

describe('the built platform on its embedded database', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-restart-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps its data across a stop and a start, and stops cleanly on SIGTERM', async () => {
    const first = await startStrata({ dataDir });
    const before = (await (await fetch(`${first.baseUrl}/system/status`)).json()) as Status;
    expect(before.database.mode).toBe('embedded');
    expect(before.database.migrations.upToDate).toBe(true);
    expect(first.output()).toContain('Strata 0.1.0 is running');
    expect(first.output()).toContain('First start: created tenant "default"');
    expect(await first.stop()).toBe(0);
    expect(existsSync(path.join(dataDir, 'embedded.lock'))).toBe(false);

    const second = await startStrata({ dataDir });
    try {
      const after = (await (await fetch(`${second.baseUrl}/system/status`)).json()) as Status;
      expect(after.instance?.id).toBe(before.instance?.id);
      expect(after.database.migrations.applied).toBe(before.database.migrations.applied);
      // The owner key is printed by the first start only.
      expect(second.output()).not.toContain('First start');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('refuses a second process on the same data directory, saying which one holds it', async () => {
    const owner = await startStrata({ dataDir });
    try {
      await expect(startStrata({ dataDir })).rejects.toThrow(/db\.embedded_in_use: The embedded database in .* is open in another process/);
    } finally {
      await owner.stop();
    }
  });
});
