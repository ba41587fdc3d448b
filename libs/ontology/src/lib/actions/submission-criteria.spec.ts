import { describe, expect, it } from 'vitest';
import { criterionSchema, evaluateCriteria, type CriteriaContext, type Criterion } from './submission-criteria';

const context = (patch: Partial<CriteriaContext> = {}): CriteriaContext => ({
  parameters: { amount: 120, limit: 100, reason: 'late' },
  objects: new Map([['order', { id: 'o1', objectType: 'Order', properties: { status: 'delivered', total: '300.00' }, version: 3 }]]),
  roles: ['operator'],
  purpose: 'customer-support',
  ...patch,
});

const parse = (raw: unknown[]): Criterion[] => raw.map((item) => criterionSchema.parse(item));

describe('submission criteria', () => {
  it('passes when every criterion holds', () => {
    const criteria = parse([
      { kind: 'parameter', parameter: 'amount', op: 'lte', value: 500 },
      { kind: 'role', anyOf: ['operator', 'admin'] },
      { kind: 'purpose', anyOf: ['customer-support'] },
      { kind: 'objectProperty', parameter: 'order', property: 'status', op: 'in', value: ['delivered', 'shipped'] },
      { kind: 'objectProperty', parameter: 'order', property: 'total', op: 'gte', value: { parameter: 'amount' } },
    ]);
    const evaluation = evaluateCriteria(criteria, context());
    expect(evaluation.passed).toBe(true);
    expect(evaluation.failures).toEqual([]);
  });

  it('explains a failure: which criterion, expected and actual', () => {
    const criteria = parse([
      { id: 'withinLimit', kind: 'parameter', parameter: 'amount', op: 'lte', value: { parameter: 'limit' }, description: 'Refunds above the limit need a manager' },
      { kind: 'role', anyOf: ['manager'] },
    ]);
    const evaluation = evaluateCriteria(criteria, context());
    expect(evaluation.passed).toBe(false);
    expect(evaluation.failures).toEqual([
      expect.objectContaining({ id: 'withinLimit', passed: false, expected: 'amount lte parameter limit (100)', actual: 120, description: 'Refunds above the limit need a manager' }),
      expect.objectContaining({ id: 'criteria[1]', kind: 'role', expected: 'one of roles [manager]', actual: ['operator'] }),
    ]);
  });

  it('names the failing leaves of any/all and a missing object', () => {
    const criteria = parse([
      {
        kind: 'any',
        criteria: [
          { kind: 'objectProperty', parameter: 'order', property: 'status', op: 'eq', value: 'open' },
          { kind: 'purpose', anyOf: ['fraud-review'] },
        ],
      },
    ]);
    const evaluation = evaluateCriteria(criteria, context());
    expect(evaluation.failures.map((f) => f.id)).toEqual(['criteria[0].criteria[0]', 'criteria[0].criteria[1]']);
    expect(evaluation.failures[0]).toMatchObject({ expected: 'order.status eq "open"', actual: 'delivered' });
    const missing = evaluateCriteria(parse([{ kind: 'objectProperty', parameter: 'order', property: 'status', op: 'isNotNull' }]), context({ objects: new Map([['order', null]]) }));
    expect(missing.failures[0]?.actual).toEqual({ missing: 'no object for parameter order' });
  });

  it('negates with not and compares decimals as numbers', () => {
    const criteria = parse([
      { kind: 'not', criterion: { kind: 'role', anyOf: ['viewer'] } },
      { kind: 'objectProperty', parameter: 'order', property: 'total', op: 'gt', value: 99.5 },
    ]);
    expect(evaluateCriteria(criteria, context()).passed).toBe(true);
    expect(evaluateCriteria(criteria, context({ roles: ['viewer'] })).failures.map((f) => f.kind)).toEqual(['not']);
  });

  it('treats a missing purpose as not matching', () => {
    expect(evaluateCriteria(parse([{ kind: 'purpose', anyOf: ['x'] }]), context({ purpose: undefined })).failures[0]).toMatchObject({ actual: null });
  });
});
