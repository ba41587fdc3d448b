import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, isDomainError, ManualClock, newId, RequestContextStore, type Actor } from '@strata/kernel';
import { DatabaseModule } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { AuditEntriesRepository } from '../audit/audit-entries.repository';
import { AuditLog } from '../audit/audit-log.service';
import { AUDIT_OPTIONS } from '../audit/audit-options';
import { AuthorizationGuard } from '../authz/authorization.guard';
import { AuthorizationService } from '../authz/authorization.service';
import { PermissionCatalog } from '../authz/permission-catalog';
import { DecisionsRepository } from '../decisions/decisions.repository';
import { PoliciesRepository } from '../policies/policies.repository';
import { APPROVAL_OPTIONS } from './approval-options';
import { APPROVAL_CONTROLLERS, APPROVAL_PROVIDERS } from './approvals.providers';

/** Kind → status as the API's exception filter maps it (that filter lives in apps/api). */
const STATUS: Record<string, number> = { invalid_argument: 400, permission_denied: 403, not_found: 404, conflict: 409, failed_precondition: 409 };

@Catch()
class DomainErrorStatusFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (isDomainError(exception)) {
      response.status(STATUS[exception.kind] ?? 500).json({ error: { code: exception.code, details: exception.details } });
    } else if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json({ error: { code: 'http' } });
    } else {
      response.status(500).json({ error: { code: 'internal', message: String(exception) } });
    }
  }
}

describe('approvals over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  const tenant = newId();
  const requester: Actor = { type: 'user', id: newId(), roles: ['operator'] };
  const approver: Actor = { type: 'user', id: newId(), roles: ['approver'] };
  const viewer: Actor = { type: 'user', id: newId(), roles: ['viewer'] };

  /** Stands in for authentication: the principal comes from test headers into the request context. */
  const authenticate = (request: Request, _response: Response, next: NextFunction) => {
    const actor = JSON.parse(String(request.header('x-test-actor'))) as Actor;
    RequestContextStore.run({ requestId: newId(), tenantId: String(request.header('x-test-tenant')), actor }, next);
  };

  async function call(actor: Actor, method: string, path: string, body?: unknown, tenantId = tenant) {
    const response = await fetch(`${base}/governance/approvals${path}`, {
      method,
      headers: { 'x-test-actor': JSON.stringify(actor), 'x-test-tenant': tenantId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { items?: Array<{ id: string }> } };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      controllers: [...APPROVAL_CONTROLLERS],
      providers: [
        { provide: CLOCK, useValue: new ManualClock('2026-03-01T10:00:00.000Z') },
        { provide: AUDIT_OPTIONS, useValue: { dataDir: 'node_modules/.cache/strata-test-data', checkpointEvery: 10_000, checkpointIntervalMs: 0 } },
        { provide: APPROVAL_OPTIONS, useValue: { sweepIntervalMs: 0 } },
        { provide: APP_GUARD, useClass: AuthorizationGuard },
        { provide: APP_FILTER, useClass: DomainErrorStatusFilter },
        AuditLog,
        AuditEntriesRepository,
        AuthorizationService,
        PermissionCatalog,
        PoliciesRepository,
        DecisionsRepository,
        ...APPROVAL_PROVIDERS,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(authenticate);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const body = {
    action: 'payments.refund',
    subjectType: 'Payment',
    subjectId: 'pay_7',
    summary: 'Refund order 7',
    arguments: { amount: 7 },
    approverRoles: ['approver'],
    expiresInSeconds: 3600,
  };

  it('creates, lists, decides, comments on and shows a request', async () => {
    const created = await call(requester, 'POST', '', body);
    expect(created).toMatchObject({ status: 201, body: { status: 'pending', requester: { id: requester.id } } });
    const id = created.body['id'] as string;

    expect((await call(approver, 'GET', '?forMe=true&status=pending&limit=10')).body.items?.map((item) => item.id)).toContain(id);
    expect((await call(requester, 'GET', '?mine=true')).body).toMatchObject({ items: [{ id }], nextCursor: null });

    expect(await call(approver, 'POST', `/${id}/comments`, { body: 'On it.' })).toMatchObject({ status: 201, body: { body: 'On it.' } });
    expect(await call(approver, 'POST', `/${id}/decisions`, { decision: 'approve', reason: 'invoice matches' })).toMatchObject({
      status: 200,
      body: { status: 'approved', approvals: 1 },
    });
    const shown = await call(requester, 'GET', `/${id}`);
    expect(shown).toMatchObject({ status: 200, body: { status: 'approved', decisions: [{ reason: 'invoice matches' }], comments: [{ body: 'On it.' }] } });
    expect(await call(approver, 'POST', `/${id}/decisions`, { decision: 'reject', reason: 'late' })).toMatchObject({
      status: 409,
      body: { error: { code: 'governance.approval_not_pending' } },
    });
  });

  it('answers 400 with the bad fields, 403 to callers without the permission, 404 for unknown or foreign ids', async () => {
    const { body: created } = await call(requester, 'POST', '', body);
    const id = created['id'] as string;
    const bad = await call(approver, 'POST', `/${id}/decisions`, { decision: 'approve', reason: '' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'governance.approval_invalid_input', details: { issues: [{ path: 'reason' }] } } } });
    expect((await call(viewer, 'POST', `/${id}/decisions`, { decision: 'approve', reason: 'fine' })).status).toBe(403);
    expect((await call(requester, 'POST', `/${id}/decisions`, { decision: 'approve', reason: 'mine' })).status).toBe(403);
    expect((await call(approver, 'GET', `/${id}`, undefined, newId())).status).toBe(404);
    expect((await call(approver, 'GET', '/not-an-id')).body).toMatchObject({ error: { code: 'governance.approval_not_found' } });
    expect(await call(requester, 'POST', `/${id}/cancel`, {})).toMatchObject({ status: 200, body: { status: 'cancelled' } });
  });
});
