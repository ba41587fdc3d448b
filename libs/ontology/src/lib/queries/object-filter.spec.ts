import { describe, expect, it } from 'vitest';
import { compileFilter, FilterCompileError } from './object-filter';
import type { PropertyMap } from './property-types';

const properties: PropertyMap = new Map([
  ['name', { apiName: 'name', type: 'string' }],
  ['weight', { apiName: 'weight', type: 'integer' }],
  ['born', { apiName: 'born', type: 'date' }],
  ['tags', { apiName: 'tags', type: 'array' }],
]);

describe('filter compilation', () => {
  it('binds property names and values as parameters, never as SQL text', () => {
    const hostile = "x'); DROP TABLE ontology_object; --";
    const sql = compileFilter({ or: [{ property: 'name', op: 'contains', value: hostile }, { property: 'weight', op: 'gt', value: 3 }, { not: { property: 'born', op: 'lt', value: '2020-01-01' } }] }, properties);
    expect(sql.sql).not.toContain('DROP');
    expect(sql.sql).not.toContain('weight');
    expect(sql.values).toEqual(expect.arrayContaining(['name', `%${hostile.replace('_', '\\_')}%`, 'weight', '3', 'born', '2020-01-01']));
    expect(sql.sql).toMatch(/::bigint/);
    expect(sql.sql).toMatch(/::date/);
  });

  it('escapes LIKE wildcards so contains and startsWith match literally', () => {
    const sql = compileFilter({ property: 'name', op: 'startsWith', value: '50%_off\\' }, properties);
    expect(sql.values).toContain('50\\%\\_off\\\\%');
  });

  it('collects every bad condition with its path', () => {
    try {
      compileFilter({ and: [{ property: 'ghost', op: 'eq', value: 1 }, { property: 'weight', op: 'gt', value: 1.5 }, { property: 'tags', op: 'gt', value: 1 }] }, properties);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(FilterCompileError);
      expect((error as FilterCompileError).issues.map((issue) => issue.path)).toEqual(['filter.and.0.property', 'filter.and.1.value', 'filter.and.2.op']);
    }
  });

  it('compiles equality on strings and numbers to JSON containment (index-friendly)', () => {
    const sql = compileFilter({ property: 'weight', op: 'eq', value: 7 }, properties);
    expect(sql.sql).toContain('@>');
    expect(sql.values).toEqual(['{"weight":7}']);
  });
});
