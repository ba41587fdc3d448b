import { describe, expect, it } from 'vitest';
import { parameterDefinitionSchema, parametersJsonSchema, validateParameters, type ParameterDefinition } from './action-parameters';

const define = (raw: Record<string, unknown>): ParameterDefinition => parameterDefinitionSchema.parse(raw);

const parameters = [
  define({ apiName: 'order', type: 'object_reference', objectType: 'Order', description: 'The order to refund' }),
  define({ apiName: 'amount', type: 'decimal', minimum: 0, maximum: 500 }),
  define({ apiName: 'count', type: 'integer', required: false }),
  define({ apiName: 'reason', type: 'enum', enumValues: ['damaged', 'late'] }),
  define({ apiName: 'at', type: 'timestamp', required: false }),
  define({ apiName: 'on', type: 'date', required: false }),
  define({ apiName: 'tags', type: 'array', itemType: 'string', required: false }),
  define({ apiName: 'photo', type: 'media_reference', required: false }),
];

describe('action parameters', () => {
  it('accepts valid parameters and normalizes timestamps to UTC', () => {
    const result = validateParameters(parameters, {
      order: '0190f1d2-3c4b-7a5e-8f60-123456789abc',
      amount: 12.5,
      reason: 'late',
      at: '2026-01-31T12:00:00+01:00',
      tags: ['a'],
      photo: 'https://x.test/p.png',
    });
    expect(result).toEqual({
      ok: true,
      values: { order: '0190f1d2-3c4b-7a5e-8f60-123456789abc', amount: 12.5, reason: 'late', at: '2026-01-31T11:00:00.000Z', tags: ['a'], photo: 'https://x.test/p.png' },
    });
  });

  it('reports every failing field with its path', () => {
    const result = validateParameters(parameters, { order: 'nope', amount: 900, count: 1.5, reason: 'other', on: '2026-02-30', tags: ['a', 3], extra: 1 });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.errors.map((error) => error.path).sort();
    expect(paths).toEqual(['amount', 'count', 'extra', 'on', 'order', 'reason', 'tags.1'].sort());
    const extra = result.ok ? undefined : result.errors.find((error) => error.path === 'extra');
    expect(extra?.message).toMatch(/unknown parameter/);
  });

  it('requires required parameters and lets optional ones be null', () => {
    const result = validateParameters(parameters, { count: null });
    expect(result.ok ? [] : result.errors.map((error) => error.path).sort()).toEqual(['amount', 'order', 'reason']);
  });

  it('refuses incomplete definitions', () => {
    expect(parameterDefinitionSchema.safeParse({ apiName: 'x', type: 'enum' }).success).toBe(false);
    expect(parameterDefinitionSchema.safeParse({ apiName: 'x', type: 'object_reference' }).success).toBe(false);
    expect(parameterDefinitionSchema.safeParse({ apiName: 'Bad name', type: 'string' }).success).toBe(false);
  });

  it('derives a JSON Schema naming required parameters and referenced object types', () => {
    const schema = parametersJsonSchema(parameters);
    expect(schema['type']).toBe('object');
    expect(schema['required']).toEqual(['order', 'amount', 'reason']);
    expect(schema['additionalProperties']).toBe(false);
    const properties = schema['properties'] as Record<string, Record<string, unknown>>;
    expect(properties['order']).toMatchObject({ type: 'string', format: 'uuid', 'x-strata-object-type': 'Order', description: 'The order to refund' });
    expect(properties['amount']).toMatchObject({ type: 'number', minimum: 0, maximum: 500 });
    expect(properties['reason']).toMatchObject({ enum: ['damaged', 'late'] });
  });
});
