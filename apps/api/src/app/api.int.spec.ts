import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, loadConfig } from '@strata/kernel';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { Public } from '@strata/governance';
import { createApiApp } from './bootstrap';

interface ErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}

async function errorOf(response: Response): Promise<ErrorEnvelope['error']> {
  return ((await response.json()) as ErrorEnvelope).error;
}

@Public()
@Controller('probe')
class ProbeController {
  @Get('domain-error')
  domainError(): never {
    throw new DomainError('probe.quota_exceeded', 'resource_exhausted', 'The probe quota is used up.');
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection string postgres://admin:hunter2@db leaked');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('API over HTTP', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let base: string;
  let adminDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    adminDir = await mkdtemp(path.join(tmpdir(), 'strata-admin-'));
    await mkdir(path.join(adminDir, 'assets'));
    await writeFile(path.join(adminDir, 'index.html'), '<!doctype html><title>Strata</title><div id="root"></div>');
    await writeFile(path.join(adminDir, 'assets', 'app.js'), 'console.log("strata")');
    const config = loadConfig({ LOG_LEVEL: 'silent', STRATA_BODY_LIMIT: '1kb', STRATA_ADMIN_DIST: adminDir });
    app = await createApiApp({
      config,
      database: { runtime: db.runtime, migrateOnStart: true },
      imports: [ProbeModule],
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await rm(adminDir, { recursive: true, force: true });
  });

  it('is live and ready against a migrated database', async () => {
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'ok' }, migrations: { status: 'ok' }, shutdown: { status: 'ok' } },
    });
  });

  it('reports the system status the admin shell shows', async () => {
    const status = (await (await fetch(`${base}/system/status`)).json()) as { database: { migrations: { applied: number } } };
    expect(status).toMatchObject({
      version: '0.0.0-test',
      node: process.versions.node,
      database: { mode: db.kind === 'pglite' ? 'embedded' : 'server', healthy: true, migrations: { upToDate: true, pending: 0 } },
    });
    expect(status.database.migrations.applied).toBeGreaterThanOrEqual(2);
  });

  it('answers an unknown route with a 404 error body and the request id', async () => {
    const response = await fetch(`${base}/no/such/route`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as ErrorEnvelope;
    expect(body).toEqual({
      error: { code: 'http.not_found', message: 'No route for GET /no/such/route.', requestId: response.headers.get('x-request-id') },
    });
  });

  it('keeps a well-formed caller request id and replaces an unsafe one', async () => {
    const kept = await fetch(`${base}/health/live`, { headers: { 'X-Request-Id': 'trace-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await fetch(`${base}/health/live`, { headers: { 'X-Request-Id': 'bad id\twith "quotes"' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects malformed JSON with 400 before any handler runs', async () => {
    const response = await fetch(`${base}/probe/domain-error`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('http.malformed_json');
    expect(error.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('rejects a body over the configured limit with 413', async () => {
    const response = await fetch(`${base}/health/live`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(4096) }),
    });
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ code: 'http.payload_too_large', details: { limitBytes: 1024 } });
  });

  it('maps domain errors by kind and never leaks an unexpected error', async () => {
    const limited = await fetch(`${base}/probe/domain-error`);
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('probe.quota_exceeded');

    const crash = await fetch(`${base}/probe/crash`);
    expect(crash.status).toBe(500);
    const text = await crash.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('at ');
    expect((JSON.parse(text) as ErrorEnvelope).error.code).toBe('internal');
  });

  it('sends security headers and hides the framework', async () => {
    const response = await fetch(`${base}/health/live`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('publishes OpenAPI and browsable docs', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { info: { title: string }; paths: object };
    expect(document.info.title).toBe('Strata API');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/system/status']));
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });

  it('serves the admin app under /admin/ with client-side routes, and sends / there', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/admin/');
    for (const route of ['/admin/', '/admin/system', '/admin/some/deep/route']) {
      const page = await fetch(`${base}${route}`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    }
    const asset = await fetch(`${base}/admin/assets/app.js`);
    expect(await asset.text()).toContain('strata');
  });
});
