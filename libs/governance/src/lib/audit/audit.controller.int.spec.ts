import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Catch, Module, type ArgumentsHost, type ExceptionFilter, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, isDomainError, ManualClock, newId, RequestContextStore, type ErrorKind } from '@strata/kernel';
import { DatabaseModule } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { AuthorizationGuard } from '../authz/authorization.guard';
import { AuthorizationService } from '../authz/authorization.service';
import { PermissionCatalog } from '../authz/permission-catalog';
import { DecisionsRepository } from '../decisions/decisions.repository';
import { PoliciesRepository } from '../policies/policies.repository';
import { GENESIS_HASH, recomputeEntryHash } from './audit-chain';
import type { AuditCheckpointDto } from './audit-checkpoint.dto';
import type { AuditEntryDto } from './audit-entry.dto';
import { AUDIT_CONTROLLERS, AUDIT_PROVIDERS } from './audit.providers';
import { AuditLog } from './audit-log.service';
import { AUDIT_OPTIONS } from './audit-options';
import type { AuditVerification } from './audit-verifier';

const STATUS: Partial<Record<ErrorKind, number>> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  failed_precondition: 409,
};

/** The API's error mapping, reduced to what these routes raise (apps/api owns the real one). */
@Catch()
class DomainErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (isDomainError(error)) {
      response.status(STATUS[error.kind] ?? 500).json({ error: { code: error.code, message: error.message } });
    } else {
      response.status((error as { status?: number }).status ?? 500).json({ error: { code: 'internal', message: String(error) } });
    }
  }
}

/** Stands in for authentication: the tenant and roles come from test headers. */
function testAuthentication(request: Request, _response: Response, next: NextFunction): void {
  const tenantId = request.header('x-test-tenant');
  const roles = (request.header('x-test-roles') ?? '').split(',').filter(Boolean);
  RequestContextStore.run({ requestId: newId(), tenantId, actor: tenantId ? { type: 'user', id: `user-${roles.join('-')}`, roles } : undefined, ip: '198.51.100.4' }, next);
}

describe('audit HTTP API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let base: string;
  let dataDir: string;
  let log: AuditLog;
  const clock = new ManualClock('2026-06-01T00:00:00.000Z');
  const tenantA = newId();
  const tenantB = newId();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-audit-http-'));
    @Module({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      controllers: AUDIT_CONTROLLERS,
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: AUDIT_OPTIONS, useValue: { dataDir, checkpointEvery: 1000, checkpointIntervalMs: 0 } },
        ...AUDIT_PROVIDERS,
        PermissionCatalog,
        PoliciesRepository,
        DecisionsRepository,
        AuthorizationService,
        { provide: APP_GUARD, useClass: AuthorizationGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
      ],
    })
    class TestAppModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        consumer.apply(testAuthentication).forRoutes('*path');
      }
    }
    app = await NestFactory.create<NestExpressApplication>(TestAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/governance/audit`;
    log = app.get(AuditLog);

    const actions = ['api_key.create', 'api_key.revoke', 'purpose.create', 'approval.decide'] as const;
    for (let i = 0; i < 12; i += 1) {
      clock.advance(60_000);
      await RequestContextStore.run({ requestId: `seed-${i}`, tenantId: tenantA, actor: { type: i % 2 ? 'agent' : 'user', id: `actor-${i % 3}` } }, () =>
        log.append({
          action: actions[i % 4],
          outcome: i % 5 === 0 ? 'denied' : 'success',
          target: { type: 'ApiKey', id: `key-${i}` },
          approvalId: i === 3 ? 'apr-3' : undefined,
          reason: i === 4 ? '=HYPERLINK("http://evil")' : undefined,
        }),
      );
    }
    await RequestContextStore.run({ requestId: 'seed-b', tenantId: tenantB, actor: { type: 'user', id: 'b-user' } }, () =>
      log.append({ action: 'api_key.create', outcome: 'success' }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const call = (route: string, roles: string, init: RequestInit = {}, tenantId = tenantA) =>
    fetch(`${base}${route}`, { ...init, headers: { 'x-test-tenant': tenantId, 'x-test-roles': roles, ...(init.headers ?? {}) } });
  const json = async <T>(response: Response | globalThis.Response): Promise<T> => (await (response as globalThis.Response).json()) as T;

  it('lists entries newest first with stable cursor paging', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await call(`/entries?limit=5${cursor ? `&cursor=${cursor}` : ''}`, 'auditor');
      expect(response.status).toBe(200);
      const page = await json<{ items: AuditEntryDto[]; nextCursor: string | null }>(response);
      seen.push(...page.items.map((item) => item.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => String(12 - i)));
    const ascending = await json<{ items: AuditEntryDto[] }>(await call('/entries?order=asc&limit=2&cursor=10', 'auditor'));
    expect(ascending.items.map((item) => item.seq)).toEqual(['11', '12']);
  });

  it('filters by time, actor, action (exact or prefix, `_` literal), target, outcome and approval', async () => {
    const seqs = async (query: string) => (await json<{ items: AuditEntryDto[] }>(await call(`/entries?order=asc&${query}`, 'auditor'))).items.map((item) => Number(item.seq));
    expect(await seqs('actionPrefix=api_key.')).toEqual([1, 2, 5, 6, 9, 10]);
    expect(await seqs('actionPrefix=apixkey')).toEqual([]);
    expect(await seqs('action=purpose.create')).toEqual([3, 7, 11]);
    expect(await seqs('outcome=denied')).toEqual([1, 6, 11]);
    expect(await seqs('actorType=agent&actorId=actor-1')).toEqual([2, 8]);
    expect(await seqs('targetType=ApiKey&targetId=key-4')).toEqual([5]);
    expect(await seqs('approvalId=apr-3')).toEqual([4]);
    expect(await seqs(`from=${encodeURIComponent('2026-06-01T00:03:00.000Z')}&to=${encodeURIComponent('2026-06-01T00:05:00.000Z')}`)).toEqual([3, 4]);
  });

  it('rejects bad queries with the field named, and pages over 500', async () => {
    for (const query of ['limit=501', 'cursor=abc', 'outcome=maybe', 'from=yesterday', 'unknown=1']) {
      const response = await call(`/entries?${query}`, 'auditor');
      expect(response.status).toBe(400);
      expect((await json<{ error: { code: string } }>(response)).error.code).toBe('kernel.validation_failed');
    }
  });

  it('reads one entry of the caller’s tenant only', async () => {
    const [entry] = (await json<{ items: AuditEntryDto[] }>(await call('/entries?limit=1', 'auditor'))).items;
    expect(await json(await call(`/entries/${entry.id}`, 'auditor'))).toEqual(entry);
    const fromB = await call(`/entries/${entry.id}`, 'auditor', {}, tenantB);
    expect(fromB.status).toBe(404);
    expect((await json<{ error: { code: string } }>(fromB)).error.code).toBe('governance.audit_entry_not_found');
  });

  it('refuses callers without the permission', async () => {
    expect((await call('/entries', 'viewer')).status).toBe(403);
    expect((await call('/export', 'viewer')).status).toBe(403);
    expect((await call('/verify', 'viewer', { method: 'POST' })).status).toBe(403);
    expect((await call('/checkpoints', 'auditor', { method: 'POST' })).status).toBe(403);
    expect((await fetch(`${base}/entries`)).status).toBe(403);
  });

  it('streams an NDJSON export an auditor can verify offline, and records the export', async () => {
    const response = await call('/export?format=ndjson', 'auditor');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEntryDto);
    expect(lines.every((line) => line.tenantId === tenantA)).toBe(true);
    let prevHash = GENESIS_HASH;
    for (const [i, line] of lines.entries()) {
      expect(line.seq).toBe(String(i + 1));
      expect(line.prevHash).toBe(prevHash);
      expect(recomputeEntryHash(line)).toBe(line.hash);
      prevHash = line.hash;
    }
    const recorded = await db.prisma.auditEntry.findUniqueOrThrow({ where: { id: response.headers.get('x-audit-export-entry') ?? '' } });
    expect(recorded).toMatchObject({ tenantId: tenantA, action: 'audit.export', outcome: 'success', seq: BigInt(lines.length + 1), details: { format: 'ndjson', filters: {} } });
  });

  it('streams a filtered CSV export, with formula cells neutralised, recorded with its filters', async () => {
    const response = await call('/export?format=csv&actionPrefix=api_key&outcome=success', 'auditor');
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = await response.text();
    const [header, ...rows] = text.trimEnd().split('\n');
    expect(header.split(',').slice(0, 3)).toEqual(['tenantId', 'seq', 'id']);
    expect(rows).toHaveLength(4);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const recorded = await db.prisma.auditEntry.findFirstOrThrow({ where: { tenantId: tenantA, action: 'audit.export' }, orderBy: { seq: 'desc' } });
    expect(recorded.details).toEqual({ format: 'csv', filters: { actionPrefix: 'api_key', outcome: 'success' } });
  });

  it('verifies the caller’s chain, records the verification, and never mixes tenants', async () => {
    const response = await call('/verify', 'auditor', { method: 'POST' });
    expect(response.status).toBe(200);
    const result = await json<AuditVerification>(response);
    expect(result).toMatchObject({ ok: true, tenantId: tenantA, checkedCheckpoints: 0 });
    const recorded = await db.prisma.auditEntry.findFirstOrThrow({ where: { tenantId: tenantA, action: 'audit.verify' } });
    expect(recorded).toMatchObject({ outcome: 'success', details: { checkedEntries: result.checkedEntries, problem: null } });

    const b = await json<AuditVerification>(await call('/verify', 'auditor', { method: 'POST' }, tenantB));
    expect(b).toMatchObject({ ok: true, tenantId: tenantB, checkedEntries: 1 });
    const bEntries = await json<{ items: AuditEntryDto[] }>(await call('/entries?limit=500', 'auditor', {}, tenantB));
    expect(bEntries.items.every((item) => item.tenantId === tenantB)).toBe(true);
    const bExport = await (await call('/export', 'auditor', {}, tenantB)).text();
    expect(bExport).not.toContain(tenantA);
  });

  it('creates checkpoints on demand for admins, lists them and publishes the public key', async () => {
    const created = await call('/checkpoints', 'admin', { method: 'POST' });
    expect(created.status).toBe(201);
    const checkpoint = await json<AuditCheckpointDto>(created);
    expect(checkpoint.statement).toBe(`strata-audit-checkpoint/v1|${tenantA}|${checkpoint.seq}|${checkpoint.hash}|${checkpoint.createdAt}`);
    const listed = await json<{ items: AuditCheckpointDto[] }>(await call('/checkpoints', 'auditor'));
    expect(listed.items[0]).toEqual(checkpoint);
    const key = await json<{ keyId: string; publicKeyPem: string }>(await call('/public-key', 'auditor'));
    expect(key).toMatchObject({ keyId: checkpoint.keyId, publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') });
    expect(await json<AuditVerification>(await call('/verify', 'auditor', { method: 'POST' }))).toMatchObject({ ok: true, checkedCheckpoints: 1 });
    expect(await db.prisma.auditEntry.count({ where: { tenantId: tenantA, action: 'audit_checkpoint.create' } })).toBe(1);
    expect((await call('/checkpoints', 'admin', { method: 'POST' }, newId())).status).toBe(409);
  });
});
