import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@strata/testing';

const root = fileURLToPath(new URL('../../../../..', import.meta.url));
const outDir = path.join(root, 'tmp', `api-workers-test-${process.pid}`);

async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const child of text.split(/\s+/)) if (child) out.push(Number(child));
  }
  return out;
}

/**
 * STRATA_API_WORKERS=2 with the built bundle on a PostgreSQL server: two workers share the port,
 * both serve authenticated requests, SIGTERM to the primary stops them all (exit 0), and a worker
 * that dies stops the group (exit 1). On PGlite (no server) it only checks the start is refused;
 * main.spec.ts checks the message.
 */
describe('API workers (node:cluster, built bundle)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    if (db.kind === 'server') await build({ configFile: path.join(root, 'apps/api/vite.config.ts'), logLevel: 'warn', build: { outDir } });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  function start(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', path.join(outDir, 'telemetry.js'), path.join(outDir, 'main.js')], {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, STRATA_API_WORKERS: '2', STRATA_BOOTSTRAP: 'always', STRATA_ADMIN_DIST: '', NODE_ENV: 'production', LOG_LEVEL: 'warn',
        // Faster starts: the test database is migrated already; tracing is not what is tested here.
        STRATA_MIGRATE_ON_START: 'false', STRATA_TELEMETRY: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  async function until(check: () => boolean, what: string, output: () => string): Promise<void> {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > 90_000) throw new Error(`${what} not within 90 s:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('serves from two workers on one port and stops them all on SIGTERM; a dying worker stops the group', async (context) => {
    if (db.kind !== 'server') {
      context.skip();
      return;
    }
    const api = start();
    await until(() => /API workers serving/.test(api.output()), 'two workers', api.output);
    const base = /Health:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(api.output())?.[1] as string;
    const key = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.exec(api.output())?.[0] as string;
    const workers = await childrenOf(api.child.pid as number);
    expect(workers).toHaveLength(2);
    // New connections are spread over the workers (round robin by the primary); each authenticates.
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${key}`, connection: 'close' } });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();

    const crashing = start();
    await until(() => /API workers serving/.test(crashing.output()), 'two workers', crashing.output);
    const [first] = await childrenOf(crashing.child.pid as number);
    process.kill(first as number, 'SIGKILL');
    expect(await crashing.exited).toBe(1);
    expect(crashing.output()).toMatch(/API worker 1 exited \(SIGKILL\); stopping the others/);
  }, 120_000);
});
