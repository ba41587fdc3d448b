import { describe, expect, it } from 'vitest';
import type { ObjectType } from '../api/ontology-schema';
import { parseValueDrafts, valueDrafts } from './ontology-object-form';

const order: ObjectType = {
  id: 't',
  apiName: 'Order',
  displayName: 'Order',
  description: '',
  primaryKey: 'orderId',
  titleProperty: 'orderId',
  schemaVersion: 1,
  createdAt: '',
  updatedAt: '',
  properties: [
    { apiName: 'orderId', displayName: 'Order id', type: 'string', required: true, unique: true, description: '' },
    { apiName: 'amount', displayName: 'Amount', type: 'decimal', required: false, unique: false, description: '' },
    { apiName: 'status', displayName: 'Status', type: 'enum', required: true, unique: false, description: '', enumValues: ['open', 'paid'] },
    { apiName: 'tags', displayName: 'Tags', type: 'array', itemType: 'string', required: false, unique: false, description: '' },
  ],
};

describe('the object form', () => {
  it('creates with every filled property, typed', () => {
    expect(parseValueDrafts(order, { orderId: 'O-1', amount: '12.5', status: 'open', tags: 'a, b' })).toEqual({
      values: { orderId: 'O-1', amount: 12.5, status: 'open', tags: ['a', 'b'] },
      problems: {},
    });
    expect(parseValueDrafts(order, { orderId: '', amount: 'x', status: 'lost' }).problems).toEqual({
      orderId: 'Required.',
      amount: 'Enter a number, e.g. 12.50.',
      status: 'Choose one of: open, paid.',
    });
  });

  it('edits by sending only what changed, a cleared value as null', () => {
    const stored = { orderId: 'O-1', amount: 12.5, status: 'open', tags: ['a'] };
    const drafts = valueDrafts(order, stored);
    expect(drafts).toEqual({ orderId: 'O-1', amount: '12.5', status: 'open', tags: 'a' });
    expect(parseValueDrafts(order, { ...drafts, status: 'paid', amount: '' }, stored)).toEqual({ values: { status: 'paid', amount: null }, problems: {} });
    expect(parseValueDrafts(order, drafts, stored).values).toEqual({});
  });
});
