import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('governance over HTTP', () => {
  let api: ApiHarness;
  let owner: string;
  let tenantId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    const provisioned = await api.provision('acme');
    owner = provisioned.token;
    tenantId = provisioned.tenant.id;
  });
  afterAll(() => api?.close());

  async function keyFor(role: string, name = `${role}-bot`): Promise<{ token: string; serviceAccountId: string; keyId: string }> {
    const account = await api.call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name, roles: [role] });
    expect(account.status).toBe(201);
    const key = await api.call<{ token: string; apiKey: { id: string } }>(owner, 'POST', '/governance/api-keys', {
      name: `${name} key`,
      serviceAccountId: account.body.id,
      roles: [role],
    });
    expect(key.status).toBe(201);
    return { token: key.body.token, serviceAccountId: account.body.id, keyId: key.body.apiKey.id };
  }

  describe('authentication', () => {
    it('answers 401 without credentials, naming what to send', async () => {
      const response = await api.call<ErrorBody>(undefined, 'GET', '/governance/me');
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('governance.unauthenticated');
    });

    it('answers 401 for a forged or malformed key', async () => {
      const forged = owner.slice(0, -4) + (owner.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const key of [forged, 'strata_nope', 'not-a-jwt']) {
        const response = await api.call<ErrorBody>(key, 'GET', '/governance/me');
        expect(response.status, key).toBe(401);
        expect(response.body.error.code).toBe('governance.invalid_credential');
      }
    });

    it('accepts the owner key and says who the caller is', async () => {
      const response = await api.call<{ tenant: { id: string }; actor: { roles: string[]; type: string } }>(owner, 'GET', '/governance/me');
      expect(response.status).toBe(200);
      expect(response.body.tenant.id).toBe(tenantId);
      expect(response.body.actor).toMatchObject({ type: 'service_account', roles: ['owner'] });
    });

    it('refuses a revoked key and an expired key', async () => {
      const { token, keyId, serviceAccountId } = await keyFor('viewer', 'short-lived');
      expect((await api.call(token, 'GET', '/governance/me')).status).toBe(200);
      expect((await api.call(owner, 'POST', `/governance/api-keys/${keyId}/revoke`)).status).toBe(200);
      const revoked = await api.call<ErrorBody>(token, 'GET', '/governance/me');
      expect([revoked.status, revoked.body.error.code]).toEqual([401, 'governance.credential_revoked']);

      const expiring = await api.call<{ token: string; apiKey: { id: string } }>(owner, 'POST', '/governance/api-keys', {
        name: 'expiring',
        serviceAccountId,
        roles: ['viewer'],
        expiresAt: new Date(Date.now() + 1500).toISOString(),
      });
      expect(expiring.status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 1700));
      const expired = await api.call<ErrorBody>(expiring.body.token, 'GET', '/governance/me');
      expect([expired.status, expired.body.error.code]).toEqual([401, 'governance.credential_expired']);
    });

    it('shows a key once and stores only its hash', async () => {
      const { token, keyId } = await keyFor('viewer', 'hash-check');
      const listed = await api.call<{ items: Array<Record<string, unknown>> }>(owner, 'GET', '/governance/api-keys?limit=200');
      const item = listed.body.items.find((key) => key['id'] === keyId);
      expect(item).toBeDefined();
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect(item).not.toHaveProperty('secretHash');
      const rows = await api.db.query<{ secret_hash: string }>('SELECT secret_hash FROM api_key WHERE id = $1', [keyId]);
      expect(rows[0]?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(token).not.toContain(rows[0]?.secret_hash ?? '-');
    });
  });

  describe('authorization', () => {
    it('keeps auditors read-only on governance records', async () => {
      const { token } = await keyFor('auditor');
      expect((await api.call(token, 'GET', '/governance/api-keys')).status).toBe(200);
      expect((await api.call(token, 'GET', '/governance/decisions')).status).toBe(200);
      const write = await api.call<ErrorBody>(token, 'POST', '/governance/purposes', { name: 'sneaky' });
      expect([write.status, write.body.error.code]).toEqual([403, 'governance.permission_denied']);
      expect((await api.call(token, 'PUT', '/governance/policies', { rules: [] })).status).toBe(403);
    });

    it('never lets a key carry roles its principal lacks, nor an admin grant owner', async () => {
      const { serviceAccountId } = await keyFor('viewer', 'limited');
      const escalate = await api.call<ErrorBody>(owner, 'POST', '/governance/api-keys', { name: 'x', serviceAccountId, roles: ['admin'] });
      expect([escalate.status, escalate.body.error.code]).toEqual([400, 'governance.role_not_held']);

      const admin = await keyFor('admin');
      const ownerAccount = await api.call<ErrorBody>(admin.token, 'POST', '/governance/service-accounts', { name: 'new-owner', roles: ['owner'] });
      expect(ownerAccount.status).toBe(403);
      expect(ownerAccount.body.error.message).toContain('only an owner');
      expect((await api.call(admin.token, 'POST', '/governance/service-accounts', { name: 'new-builder', roles: ['builder'] })).status).toBe(201);
    });

    it('records every decision guarding a mutation, and replays it under another policy version', async () => {
      const builder = await keyFor('builder');
      const denied = await api.call(builder.token, 'POST', '/governance/purposes', { name: 'claims-review' });
      expect(denied.status).toBe(403);

      const decisions = await api.call<{ items: Array<{ id: string; action: string; subjectType: string; allowed: boolean; actorId: string }> }>(
        owner,
        'GET',
        `/governance/decisions?actorId=${builder.serviceAccountId}&allowed=false`,
      );
      const decision = decisions.body.items.find((item) => item.action === 'create' && item.subjectType === 'Purpose');
      expect(decision).toBeDefined();

      const published = await api.call<{ version: number }>(owner, 'PUT', '/governance/policies', {
        rules: [{ roles: ['builder'], action: 'create', subject: 'Purpose' }],
        comment: 'builders define purposes',
      });
      expect(published.status).toBe(200);
      const replay = await api.call<{ changed: boolean; original: { allowed: boolean }; replay: { allowed: boolean; policyVersion: number } }>(
        owner,
        'POST',
        `/governance/decisions/${decision?.id}/replay`,
        {},
      );
      expect(replay.body).toMatchObject({ changed: true, original: { allowed: false }, replay: { allowed: true, policyVersion: published.body.version } });
      const underOld = await api.call<{ changed: boolean }>(owner, 'POST', `/governance/decisions/${decision?.id}/replay`, { policyVersion: 0 });
      expect(underOld.body.changed).toBe(false);
      expect((await api.call(builder.token, 'POST', '/governance/purposes', { name: 'claims-review' })).status).toBe(201);
    });

    it('rejects an invalid policy with the failing rule named', async () => {
      const bad = await api.call<{ error: { code: string; details: { issues: Array<{ path: string }> } } }>(owner, 'PUT', '/governance/policies', {
        rules: [{ roles: ['viewer'], action: 'read', subject: 'NoSuchThing' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('governance.invalid_policy');
      expect(bad.body.error.details.issues[0]?.path).toBe('0.subject');
    });

    it('drops fields the policy does not let the caller write, and says which', async () => {
      await api.call(owner, 'PUT', '/governance/policies', {
        rules: [{ roles: ['operator'], action: 'update', subject: 'ServiceAccount', fields: ['description'] }],
      });
      const target = await keyFor('viewer', 'field-target');
      const operator = await keyFor('operator');
      const response = await api.call<{ description: string; roles: string[]; droppedFields: string[] }>(
        operator.token,
        'PATCH',
        `/governance/service-accounts/${target.serviceAccountId}`,
        { description: 'updated by operator', roles: ['owner'] },
      );
      expect(response.status).toBe(200);
      expect(response.body.description).toBe('updated by operator');
      expect(response.body.roles).toEqual(['viewer']);
      expect(response.body.droppedFields).toEqual(['roles']);
    });
  });

  describe('purposes', () => {
    it('checks the declared purpose and its justification', async () => {
      await api.call(owner, 'POST', '/governance/purposes', { name: 'fraud-review', requiresJustification: true });
      const unknown = await api.call<ErrorBody>(owner, 'GET', '/governance/me', undefined, { 'x-strata-purpose': 'curiosity' });
      expect([unknown.status, unknown.body.error.code]).toEqual([400, 'governance.unknown_purpose']);
      const missing = await api.call<ErrorBody>(owner, 'GET', '/governance/me', undefined, { 'x-strata-purpose': 'fraud-review' });
      expect([missing.status, missing.body.error.code]).toEqual([400, 'governance.justification_required']);
      const declared = await api.call<{ purpose: string }>(owner, 'GET', '/governance/me', undefined, {
        'x-strata-purpose': 'fraud-review',
        'x-strata-justification': 'case 4711',
      });
      expect(declared.body.purpose).toBe('fraud-review');
    });
  });

  describe('bad input', () => {
    it('answers 400 with field details for an invalid body, 404 for a malformed id', async () => {
      const invalid = await api.call<{ error: { code: string; details: { issues: Array<{ path: string }> } } }>(owner, 'POST', '/governance/service-accounts', {
        name: 'Not Valid!',
        roles: [],
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('kernel.validation_failed');
      expect(invalid.body.error.details.issues.map((issue) => issue.path).sort()).toEqual(['name', 'roles']);
      const malformed = await api.call<ErrorBody>(owner, 'GET', '/governance/service-accounts/42');
      expect([malformed.status, malformed.body.error.code]).toEqual([404, 'governance.not_found']);
    });

    it('answers 409 for a duplicate name', async () => {
      await api.call(owner, 'POST', '/governance/service-accounts', { name: 'dupe', roles: ['viewer'] });
      const again = await api.call<ErrorBody>(owner, 'POST', '/governance/service-accounts', { name: 'dupe', roles: ['viewer'] });
      expect([again.status, again.body.error.code]).toEqual([409, 'governance.already_exists']);
    });
  });
});
