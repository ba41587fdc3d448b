import { describe, expect, it } from 'vitest';
import { approvalArgumentsHash } from './approval-arguments-hash';

describe('approvalArgumentsHash', () => {
  const base = { action: 'payments.refund', subjectType: 'Payment', subjectId: 'pay_1', arguments: { amount: 120.5, currency: 'EUR', items: [1, 2] } };

  it('is a SHA-256 hex digest independent of key order and number spelling (RFC 8785)', () => {
    const hash = approvalArgumentsHash(base);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(approvalArgumentsHash({ subjectId: 'pay_1', arguments: { items: [1, 2], currency: 'EUR', amount: 120.5 }, subjectType: 'Payment', action: 'payments.refund' })).toBe(hash);
    expect(approvalArgumentsHash({ ...base, arguments: JSON.parse('{"amount":1.205e2,"currency":"EUR","items":[1.0,2]}') })).toBe(hash);
  });

  it('binds every part: arguments, action, subject type and id', () => {
    const hash = approvalArgumentsHash(base);
    expect(approvalArgumentsHash({ ...base, arguments: { ...base.arguments, amount: 1205 } })).not.toBe(hash);
    expect(approvalArgumentsHash({ ...base, arguments: { ...base.arguments, items: [2, 1] } })).not.toBe(hash);
    expect(approvalArgumentsHash({ ...base, action: 'payments.refund_all' })).not.toBe(hash);
    expect(approvalArgumentsHash({ ...base, subjectType: 'Invoice' })).not.toBe(hash);
    expect(approvalArgumentsHash({ ...base, subjectId: 'pay_2' })).not.toBe(hash);
  });

  it('treats an absent subject id as null, and never confuses it with the string "null"', () => {
    const withoutId = { action: 'a.b', subjectType: 'T', arguments: {} };
    expect(approvalArgumentsHash(withoutId)).toBe(approvalArgumentsHash({ ...withoutId, subjectId: null }));
    expect(approvalArgumentsHash(withoutId)).not.toBe(approvalArgumentsHash({ ...withoutId, subjectId: 'null' }));
  });
});
