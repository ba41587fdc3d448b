import { Controller, Get, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@strata/kernel';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { Public } from '@strata/governance';
import { createApiApp } from '../bootstrap';
import { GracefulShutdown } from './graceful-shutdown';
import { ShutdownState } from './shutdown-state';

/** Resolved when the slow route has the request: a fixed sleep raced the connection on a busy machine. */
let arrived: () => void = () => undefined;
const nextArrival = () => new Promise<void>((resolve) => (arrived = resolve));

@Public()
@Controller('slow')
class SlowController {
  @Get()
  async slow(): Promise<{ done: true }> {
    arrived();
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { done: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('GracefulShutdown', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  async function start(): Promise<{ app: NestExpressApplication; base: string }> {
    const app = await createApiApp({
      config: loadConfig({ LOG_LEVEL: 'silent', STRATA_ADMIN_DIST: '' }),
      database: { runtime: db.runtime, migrateOnStart: false },
      imports: [SlowModule],
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return { app, base: `http://127.0.0.1:${port}` };
  }

  it('finishes in-flight requests, then refuses new connections', async () => {
    const { app, base } = await start();
    const arrival = nextArrival();
    const inFlight = fetch(`${base}/slow`);
    await arrival;
    const shutdownState = app.get(ShutdownState);
    const stopping = new GracefulShutdown(app, 5_000, silent).run('test');
    expect(shutdownState.shuttingDown).toBe(true);

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await stopping;
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });

  it('cuts requests that outlive the drain timeout', async () => {
    const { app, base } = await start();
    const arrival = nextArrival();
    const inFlight = fetch(`${base}/slow`).then(
      () => 'answered',
      () => 'cut',
    );
    await arrival;
    const started = Date.now();
    await new GracefulShutdown(app, 100, silent).run('test');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await inFlight).toBe('cut');
  });
});
