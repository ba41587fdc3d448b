import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import type { ParameterDefinition } from '../api/ontology-actions';
import { changedValues, describeActual, errorsByParameter, flattenCriteria, parameterControl, parameterHint, parseParameters, reportOfFailure } from './ontology-action-form';

const parameter = (apiName: string, type: ParameterDefinition['type'], extra: Partial<ParameterDefinition> = {}): ParameterDefinition => ({
  apiName,
  type,
  description: '',
  required: true,
  ...extra,
});

const parameters = [
  parameter('order', 'object_reference', { objectType: 'Order' }),
  parameter('amount', 'decimal', { minimum: 0, maximum: 500 }),
  parameter('count', 'integer'),
  parameter('urgent', 'boolean'),
  parameter('reason', 'enum', { enumValues: ['damaged', 'late'] }),
  parameter('tags', 'array', { itemType: 'string', required: false }),
  parameter('note', 'string', { required: false }),
];

describe('the action form', () => {
  it('gives each parameter type a control and a hint', () => {
    expect(parameters.map(parameterControl)).toEqual(['object', 'number', 'number', 'checkbox', 'select', 'list', 'text']);
    expect(parameterHint(parameters[1] as ParameterDefinition)).toBe('Between 0 and 500.');
    expect(parameterHint(parameters[5] as ParameterDefinition)).toBe('A list of string values, separated by commas. Optional.');
  });

  it('turns the drafts into typed parameters, empty ones left out', () => {
    const parsed = parseParameters(parameters, { order: 'a1b2', amount: ' 120.50 ', count: '3', urgent: 'true', reason: 'late', tags: 'x, y', note: '' });
    expect(parsed).toEqual({ values: { order: 'a1b2', amount: 120.5, count: 3, urgent: true, reason: 'late', tags: ['x', 'y'] }, problems: {} });
    expect(parseParameters(parameters, { amount: 'lots', count: '1.5', reason: 'lost' }).problems).toEqual({
      amount: 'Enter a number, e.g. 12.50.',
      count: 'Enter a whole number, e.g. 42.',
      reason: 'Choose one of: damaged, late.',
    });
    expect(parseParameters(parameters, {}).values).toEqual({ urgent: false });
  });

  it('lays nested criteria out as indented rows and says what was found', () => {
    const rows = flattenCriteria([
      { id: 'a', kind: 'all', passed: false, expected: 'all of', actual: null, children: [{ id: 'b', kind: 'parameter', passed: false, expected: 'amount lte 500', actual: '900' }] },
      { id: 'c', kind: 'role', passed: true, expected: 'one of roles [owner]', actual: ['owner'] },
    ]);
    expect(rows.map((row) => [row.result.id, row.depth])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 0],
    ]);
    expect(describeActual(['owner'])).toBe('["owner"]');
    expect(describeActual(undefined)).toBe('nothing');
    expect(describeActual('900')).toBe('900');
  });

  it('reads the report out of a refused apply and spreads its errors over the parameters', () => {
    const error = new ApiError(422, 'ontology.action_criteria_failed', 'The submission criteria failed', 'r1', {
      issues: [{ path: 'amount', message: 'must be at most 500' }],
      criteria: [{ id: 'x', kind: 'role', passed: false, expected: 'one of roles [approver]', actual: ['viewer'] }],
    });
    const report = reportOfFailure(error) as NonNullable<ReturnType<typeof reportOfFailure>>;
    expect(report.valid).toBe(false);
    expect(report.criteria).toHaveLength(1);
    expect(errorsByParameter([...report.errors, { path: 'parameters.tags.1', message: 'too long' }, { path: '(root)', message: 'unknown parameter: x' }], parameters)).toEqual({
      fields: { amount: 'must be at most 500', tags: 'too long' },
      other: ['unknown parameter: x'],
    });
    expect(reportOfFailure(new ApiError(404, 'ontology.not_found', 'gone'))).toBeUndefined();
  });
});

describe('changedValues', () => {
  it('lists what a modification changed, nothing for a creation', () => {
    const before = { id: 'o1', properties: { status: 'open', amount: 12.5 } };
    const after = { id: 'o1', properties: { status: 'paid', amount: 12.5, note: 'x' } };
    expect(changedValues({ kind: 'object', op: 'modified', id: 'o1', typeApiName: 'Order', before, after })).toEqual([
      ['note', undefined, 'x'],
      ['status', 'open', 'paid'],
    ]);
    expect(changedValues({ kind: 'object', op: 'created', id: 'o1', before: null, after })).toEqual([]);
    expect(changedValues({ kind: 'link', op: 'created', id: 'l1', before: null, after: {} })).toEqual([]);
  });
});
