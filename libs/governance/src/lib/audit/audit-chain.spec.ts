import { describe, expect, it } from 'vitest';
import { auditEntryContent, auditEntryHash, canonicalAuditContent, checkpointStatement, GENESIS_HASH, recomputeEntryHash } from './audit-chain';

/** The worked example of docs/audit.md: if this changes, the document (and every stored hash) is wrong. */
const first = {
  tenantId: '0192f0c1-7a2b-7c3d-8e4f-0123456789ab',
  seq: 1n,
  id: '0192f0c1-7a2c-7000-8000-000000000001',
  occurredAt: new Date('2026-05-04T10:15:30.123Z'),
  actorType: 'user',
  actorId: '0192f0c1-0000-7000-8000-0000000000aa',
  onBehalfOfType: null,
  onBehalfOfId: null,
  action: 'api_key.create',
  targetType: 'ApiKey',
  targetId: 'key_7Hq2',
  purpose: 'onboarding',
  approvalId: null,
  outcome: 'success',
  reason: null,
  requestId: 'req-1',
  traceId: null,
  ip: '203.0.113.9',
  details: { roles: ['viewer'], name: 'CI – déploiement', expiresInDays: 90 },
};
const second = {
  ...first,
  seq: 2n,
  id: '0192f0c1-7a2c-7000-8000-000000000002',
  occurredAt: new Date('2026-05-04T10:15:31.000Z'),
  action: 'api_key.revoke',
  outcome: 'denied',
  reason: 'not the owner',
  purpose: null,
  details: null,
};
const FIRST_HASH = '907b30b49cb89bf82917ca855be6336c79a577ec82f880840b2168ce4288d85d';
const SECOND_HASH = '82fcbe73a86f3665ca5ad37b81544c9a92c89b66d50bff21b71e38eb445fbb13';

describe('audit chain algorithm', () => {
  it('canonicalizes every field, absent ones as null, keys sorted, seq as a string', () => {
    expect(canonicalAuditContent(auditEntryContent(first))).toBe(
      '{"action":"api_key.create","actorId":"0192f0c1-0000-7000-8000-0000000000aa","actorType":"user","approvalId":null,' +
        '"details":{"expiresInDays":90,"name":"CI – déploiement","roles":["viewer"]},"id":"0192f0c1-7a2c-7000-8000-000000000001",' +
        '"ip":"203.0.113.9","occurredAt":"2026-05-04T10:15:30.123Z","onBehalfOfId":null,"onBehalfOfType":null,"outcome":"success",' +
        '"purpose":"onboarding","reason":null,"requestId":"req-1","seq":"1","targetId":"key_7Hq2","targetType":"ApiKey",' +
        '"tenantId":"0192f0c1-7a2b-7c3d-8e4f-0123456789ab","traceId":null,"v":1}',
    );
  });

  it('reproduces the documented worked example', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(auditEntryHash(auditEntryContent(first), GENESIS_HASH)).toBe(FIRST_HASH);
    expect(auditEntryHash(auditEntryContent(second), FIRST_HASH)).toBe(SECOND_HASH);
    expect(recomputeEntryHash({ ...second, prevHash: FIRST_HASH })).toBe(SECOND_HASH);
    expect(
      checkpointStatement({ tenantId: first.tenantId, seq: 2n, hash: SECOND_HASH, createdAt: new Date('2026-05-04T10:16:00.000Z') }),
    ).toBe(`strata-audit-checkpoint/v1|0192f0c1-7a2b-7c3d-8e4f-0123456789ab|2|${SECOND_HASH}|2026-05-04T10:16:00.000Z`);
  });

  it('hashes an export line (seq and time as text) exactly like the stored row', () => {
    const line = JSON.parse(JSON.stringify({ ...first, seq: '1', occurredAt: '2026-05-04T10:15:30.123Z', prevHash: GENESIS_HASH }));
    expect(recomputeEntryHash(line)).toBe(FIRST_HASH);
  });

  it('changes the hash when any field, the order or the previous hash changes', () => {
    const base = auditEntryHash(auditEntryContent(first), GENESIS_HASH);
    expect(auditEntryHash(auditEntryContent({ ...first, outcome: 'failure' }), GENESIS_HASH)).not.toBe(base);
    expect(auditEntryHash(auditEntryContent({ ...first, seq: 2n }), GENESIS_HASH)).not.toBe(base);
    expect(auditEntryHash(auditEntryContent({ ...first, details: { ...first.details, extra: null } }), GENESIS_HASH)).not.toBe(base);
    expect(auditEntryHash(auditEntryContent(first), FIRST_HASH)).not.toBe(base);
  });
});
