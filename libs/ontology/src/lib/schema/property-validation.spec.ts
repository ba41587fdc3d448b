import { describe, expect, it } from 'vitest';
import { propertyDefinitionSchema, type PropertyDefinition } from './property-definition';
import { checkPropertyValue, missingRequired, validateProperties, valueFromText } from './property-validation';

const property = (input: Record<string, unknown>): PropertyDefinition => propertyDefinitionSchema.parse({ apiName: 'p', ...input });

describe('property values', () => {
  it.each([
    [{ type: 'string' }, 'text', true],
    [{ type: 'string' }, 3, false],
    [{ type: 'integer' }, 3, true],
    [{ type: 'integer' }, 3.5, false],
    [{ type: 'integer' }, 2 ** 60, false],
    [{ type: 'decimal' }, 3.5, true],
    [{ type: 'decimal' }, '3.5', false],
    [{ type: 'boolean' }, false, true],
    [{ type: 'boolean' }, 'false', false],
    [{ type: 'date' }, '2024-02-29', true],
    [{ type: 'date' }, '2023-02-29', false],
    [{ type: 'date' }, '2023-2-1', false],
    [{ type: 'timestamp' }, '2026-01-31T12:00:00Z', true],
    [{ type: 'timestamp' }, '2026-01-31T12:00:00', false],
    [{ type: 'enum', enumValues: ['a', 'b'] }, 'a', true],
    [{ type: 'enum', enumValues: ['a', 'b'] }, 'c', false],
    [{ type: 'json' }, { any: ['thing'] }, true],
    [{ type: 'array', itemType: 'integer' }, [1, 2], true],
    [{ type: 'array', itemType: 'integer' }, [1, 'x'], false],
    [{ type: 'array', itemType: 'integer' }, 1, false],
    [{ type: 'media_reference' }, 's3://bucket/key.png', true],
    [{ type: 'media_reference' }, 'not a uri', false],
  ])('%j accepts %j: %s', (definition, value, ok) => {
    expect(checkPropertyValue(property(definition), value).ok).toBe(ok);
  });

  it('normalizes timestamps to UTC', () => {
    expect(checkPropertyValue(property({ type: 'timestamp' }), '2026-01-31T12:00:00+02:00')).toEqual({ ok: true, value: '2026-01-31T10:00:00.000Z' });
  });

  it('reports every failing field, unknown properties and missing required ones', () => {
    const definitions = [property({ apiName: 'name', type: 'string', required: true }), property({ apiName: 'age', type: 'integer' })];
    const { errors, values } = validateProperties(definitions, { age: 'old', extra: 1 }, 'create');
    expect(errors.map((error) => `${error.path}:${error.code}`)).toEqual(['properties.age:type_mismatch', 'properties.extra:unknown_property']);
    expect(missingRequired(definitions, values).map((error) => error.path)).toEqual(['properties.name']);
    expect(validateProperties(definitions, { age: null }, 'patch').values).toEqual({ age: null });
  });

  it('reads CSV cells as the property type, leaving what does not convert for validation to report', () => {
    expect(valueFromText(property({ type: 'integer' }), '42')).toBe(42);
    expect(valueFromText(property({ type: 'integer' }), 'x')).toBe('x');
    expect(valueFromText(property({ type: 'boolean' }), 'TRUE')).toBe(true);
    expect(valueFromText(property({ type: 'array', itemType: 'string' }), '["a","b"]')).toEqual(['a', 'b']);
    expect(valueFromText(property({ type: 'string' }), '')).toBeUndefined();
  });
});
