import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ModuleMetadata } from '@nestjs/common';
import { loadConfig } from '@strata/kernel';
import { TenantProvisioningService, type ProvisionedTenant } from '@strata/governance';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { createApiApp } from '../app/bootstrap';

/** Test support for HTTP suites: the real API on a test database, listening on a free port. */
export interface ApiHarness {
  app: NestExpressApplication;
  db: TestDatabase;
  base: string;
  /** Creates a tenant with an owner key, the way the platform does. */
  provision(slug: string): Promise<ProvisionedTenant>;
  /** fetch with a bearer key and JSON body; returns status and parsed JSON. */
  call<T = Record<string, unknown>>(
    key: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startApiHarness(options: { imports?: NonNullable<ModuleMetadata['imports']>; env?: Record<string, string> } = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    STRATA_ADMIN_DIST: '',
    STRATA_AUDIT_CHECKPOINT_INTERVAL_MS: '600000',
    STRATA_APPROVAL_SWEEP_INTERVAL_MS: '600000',
    STRATA_DATA_DIR: path.join(tmpdir(), 'strata-api-tests'),
    ...options.env,
  });
  const app = await createApiApp({ config, database: { runtime: db.runtime, migrateOnStart: false }, imports: options.imports });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  return {
    app,
    db,
    base,
    provision: (slug) => app.get(TenantProvisioningService).provision({ slug, name: `Tenant ${slug}` }),
    async call(key, method, path, body, headers = {}) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
