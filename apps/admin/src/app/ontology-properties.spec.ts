import { describe, expect, it } from 'vitest';
import {
  displayValue,
  emptyPropertyDraft,
  formatTypedValue,
  parseEnumValues,
  parseTypedValue,
  propertyProblems,
  schemaIssues,
  toPropertyDefinition,
  toPropertyDraft,
  type PropertyDraft,
} from './ontology-properties';

const draft = (changes: Partial<PropertyDraft>): PropertyDraft => ({ ...emptyPropertyDraft(), ...changes });

describe('property drafts', () => {
  it('turns a draft into the definition the API expects, and back', () => {
    const definition = toPropertyDefinition(draft({ apiName: ' status ', type: 'enum', enumValues: 'open, paid,\nopen', required: true, description: ' Order state ' }));
    expect(definition).toEqual({ apiName: 'status', displayName: 'status', type: 'enum', required: true, unique: false, description: 'Order state', enumValues: ['open', 'paid'] });
    expect(toPropertyDraft(definition)).toMatchObject({ apiName: 'status', enumValues: 'open, paid', type: 'enum', required: true });
    expect(toPropertyDefinition(draft({ apiName: 'tags', type: 'array', itemType: 'string' }))).toMatchObject({ itemType: 'string' });
    expect(toPropertyDefinition(draft({ apiName: 'name' }))).not.toHaveProperty('itemType');
  });

  it('names the field of each problem with the path the API uses', () => {
    const problems = propertyProblems([
      draft({ apiName: 'name' }),
      draft({ apiName: 'nAme' }),
      draft({ apiName: '2fast' }),
      draft({ apiName: 'status', type: 'enum' }),
      draft({ apiName: 'meta', type: 'json', unique: true }),
      draft({ apiName: '' }),
    ]);
    expect(problems).toEqual({
      'properties.1.apiName': 'Property 1 already uses this name.',
      'properties.2.apiName': expect.stringContaining('A lowercase letter'),
      'properties.3.enumValues': expect.stringContaining('allowed values'),
      'properties.4.unique': 'A JSON property cannot be unique.',
      'properties.5.apiName': 'Give the property an api name.',
    });
    expect(propertyProblems([draft({ apiName: 'email', unique: true, required: true })])).toEqual({});
  });

  it('splits enum values on commas and lines', () => {
    expect(parseEnumValues('a, b\nc,,a')).toEqual(['a', 'b', 'c']);
  });
});

describe('typed values', () => {
  it('parses each type and explains what it expected', () => {
    expect(parseTypedValue('42', 'integer')).toEqual({ ok: true, value: 42 });
    expect(parseTypedValue('4.2', 'integer')).toEqual({ ok: false, problem: 'Enter a whole number, e.g. 42.' });
    expect(parseTypedValue('12.50', 'decimal')).toEqual({ ok: true, value: 12.5 });
    expect(parseTypedValue('twelve', 'decimal').ok).toBe(false);
    expect(parseTypedValue('yes', 'boolean')).toEqual({ ok: true, value: true });
    expect(parseTypedValue('false', 'boolean')).toEqual({ ok: true, value: false });
    expect(parseTypedValue('2026-02-30x', 'date').ok).toBe(false);
    expect(parseTypedValue('2026-02-03', 'date')).toEqual({ ok: true, value: '2026-02-03' });
    expect(parseTypedValue('2026-02-03T10:00:00Z', 'timestamp')).toEqual({ ok: true, value: '2026-02-03T10:00:00.000Z' });
    expect(parseTypedValue('gold', 'enum', { enumValues: ['silver', 'gold'] })).toEqual({ ok: true, value: 'gold' });
    expect(parseTypedValue('bronze', 'enum', { enumValues: ['silver', 'gold'] })).toEqual({ ok: false, problem: 'Choose one of: silver, gold.' });
    expect(parseTypedValue('{"a":1}', 'json')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseTypedValue('{a', 'json').ok).toBe(false);
    expect(parseTypedValue('1, 2', 'array', { itemType: 'integer' })).toEqual({ ok: true, value: [1, 2] });
    expect(parseTypedValue('[1, "2"]', 'array', { itemType: 'integer' })).toEqual({ ok: true, value: [1, 2] });
    expect(parseTypedValue('1, x', 'array', { itemType: 'integer' })).toEqual({ ok: false, problem: 'Item 2: Enter a whole number, e.g. 42.' });
    expect(parseTypedValue('  ', 'string')).toEqual({ ok: true, value: null });
    expect(parseTypedValue(' Ada ', 'string')).toEqual({ ok: true, value: ' Ada ' });
  });

  it('formats stored values for editing and reading', () => {
    expect(formatTypedValue(['a', 'b'], 'array')).toBe('a, b');
    expect(formatTypedValue([{ a: 1 }], 'array')).toBe('[{"a":1}]');
    expect(formatTypedValue({ a: 1 }, 'json')).toBe('{"a":1}');
    expect(formatTypedValue(true, 'boolean')).toBe('true');
    expect(formatTypedValue(null, 'string')).toBe('');
    expect(formatTypedValue(12.5, 'decimal')).toBe('12.5');
    expect(displayValue(false)).toBe('no');
    expect(displayValue(undefined)).toBe('—');
    expect(displayValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('schemaIssues', () => {
  it('puts issues on property fields and form fields, whatever change prefix they carry', () => {
    expect(
      schemaIssues(
        [
          { path: 'changes.0.objectType.properties.1.apiName', message: 'bad name' },
          { path: 'properties.2.enumValues.0', message: 'empty value' },
          { path: 'changes.0.update.description', message: 'too long' },
          { path: 'primaryKey', message: 'no such property' },
          { path: 'changes', message: 'at least one' },
        ],
        ['apiName', 'description', 'primaryKey'],
      ),
    ).toEqual({
      fields: { 'properties.1.apiName': 'bad name', 'properties.2.enumValues': 'empty value', description: 'too long', primaryKey: 'no such property' },
      other: ['changes: at least one'],
    });
  });
});
