import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ModuleMetadata } from '@nestjs/common';
import { loadConfig } from '@strata/kernel';
import { TenantProvisioningService, type ProvisionedTenant } from '@strata/governance';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { createApiApp } from '../app/bootstrap';
import { MutationAuditProbe } from './mutation-audit-probe';

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
  /**
   * Registers a fake OpenAI server (`@strata/testing`) as the tenant's `openai` provider with one
   * chat model (tools, streaming) and an alias to it, as an owner does; throws if a step is refused.
   */
  connectFakeChat(ownerKey: string, fakeUrl: string, model?: FakeChatModel): Promise<{ providerId: string }>;
  close(): Promise<void>;
}

export interface FakeChatModel {
  /** Default `fast`. */
  alias?: string;
  /** Default `gpt-mini`. */
  providerModelId?: string;
  /** USD per million tokens; default none. */
  inputPricePerMTok?: number;
  outputPricePerMTok?: number;
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
  const auditProbe = new MutationAuditProbe();
  auditProbe.attach(app.getHttpServer());
  const { port } = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const call: ApiHarness['call'] = async (key, method, path, body, headers = {}) => {
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
  };
  return {
    app,
    db,
    base,
    provision: (slug) => app.get(TenantProvisioningService).provision({ slug, name: `Tenant ${slug}` }),
    call,
    async connectFakeChat(ownerKey, fakeUrl, model = {}) {
      const { alias = 'fast', providerModelId = 'gpt-mini', ...prices } = model;
      const expectCreated = <T>(step: string, response: { status: number; body: T }): T => {
        if (response.status !== 201) throw new Error(`${step}: ${response.status} ${JSON.stringify(response.body)}`);
        return response.body;
      };
      const provider = expectCreated(
        'provider',
        await call<{ id: string }>(ownerKey, 'POST', '/model-gateway/providers', {
          name: 'openai',
          kind: 'openai',
          baseUrl: `${fakeUrl}/v1`,
          credentials: { type: 'api-key', apiKey: 'sk-test-000000000000000000000000' },
        }),
      );
      expectCreated(
        'model',
        await call(ownerKey, 'POST', '/model-gateway/models', {
          providerId: provider.id,
          providerModelId,
          operation: 'chat',
          capabilities: { tools: true, streaming: true },
          contextWindow: 128_000,
          ...prices,
        }),
      );
      expectCreated('alias', await call(ownerKey, 'POST', '/model-gateway/aliases', { name: alias, operation: 'chat', targets: [{ model: `openai/${providerModelId}` }] }));
      return { providerId: provider.id };
    },
    async close() {
      // Audit entries are written in the request's transaction: none is still on its way here.
      const unaccounted = await auditProbe.unaccounted(db).catch((error: unknown) => [`(the check could not run: ${String(error)})`]);
      await app.close();
      await db.close();
      if (unaccounted.length) {
        throw new Error(
          `Successful mutations not accounted for: ${[...new Set(unaccounted)].join('; ')}. ` +
            'Authorize the record (AuthorizationService.authorize) and append an audit entry in the mutation, or, if the route changes nothing, declare it in MUTATING_METHOD_READS (apps/api/src/testing/mutation-audit-probe.ts) with why.',
        );
      }
    },
  };
}
