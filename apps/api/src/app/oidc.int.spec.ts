import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { startFakeOidcIssuer, type FakeOidcIssuer } from '../testing/fake-oidc-issuer';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('OIDC sign-in with JWTs from a configured issuer', () => {
  let api: ApiHarness;
  let idp: FakeOidcIssuer;
  let owner: string;
  let tenantId: string;

  beforeAll(async () => {
    [api, idp] = await Promise.all([startApiHarness(), startFakeOidcIssuer()]);
    const tenant = await api.provision('oidc-co');
    owner = tenant.token;
    tenantId = tenant.tenant.id;
    const provider = await api.call(owner, 'POST', '/governance/oidc-providers', {
      issuer: idp.issuer,
      audience: 'strata-oidc-co',
      rolesClaim: 'groups',
      roleMapping: { 'strata-approvers': ['approver'], 'strata-auditors': ['auditor'] },
      defaultRoles: ['viewer'],
    });
    expect(provider.status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await idp?.close();
  });

  it('maps the token to a user of the tenant with mapped roles, provisioning it on first sign-in', async () => {
    const token = await idp.sign({ sub: 'alice-123', aud: 'strata-oidc-co', email: 'alice@oidc.example', name: 'Alice', groups: ['strata-approvers', 'other'] });
    const me = await api.call<{ tenant: { id: string }; actor: { type: string; id: string; roles: string[] } }>(token, 'GET', '/governance/me');
    expect(me.status).toBe(200);
    expect(me.body.tenant.id).toBe(tenantId);
    expect(me.body.actor).toMatchObject({ type: 'user', roles: ['approver', 'viewer'] });
    expect(idp.requests()).toContain('/.well-known/openid-configuration');

    const again = await api.call<{ actor: { id: string } }>(token, 'GET', '/governance/me');
    expect(again.body.actor.id).toBe(me.body.actor.id);
    const members = await api.call<{ items: Array<{ user: { email: string }; roles: string[] }> }>(owner, 'GET', '/governance/members');
    expect(members.body.items.find((member) => member.user.email === 'alice@oidc.example')?.roles).toEqual(['approver', 'viewer']);
  });

  it('refuses an expired token, a foreign signature, another audience and an unknown issuer', async () => {
    const cases: Array<[string, string]> = [
      [await idp.sign({ sub: 'bob', aud: 'strata-oidc-co' }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }), 'governance.credential_expired'],
      [await idp.sign({ sub: 'bob', aud: 'strata-oidc-co' }, { foreignKey: true }), 'governance.invalid_credential'],
      [await idp.sign({ sub: 'bob', aud: 'someone-else' }), 'governance.invalid_credential'],
    ];
    for (const [token, code] of cases) {
      const response = await api.call<ErrorBody>(token, 'GET', '/governance/me');
      expect([response.status, response.body.error.code]).toEqual([401, code]);
    }
  });
});
