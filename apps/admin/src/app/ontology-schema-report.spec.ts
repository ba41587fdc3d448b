import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import type { ChangeFinding, SchemaValidationReport } from '../api/ontology-schema';
import { affectedText, reportHeadline, reportOfRefusal, summarizeReport } from './ontology-schema-report';

const breakingReport: SchemaValidationReport = {
  valid: false,
  baseVersion: 3,
  changes: [
    {
      index: 0,
      kind: 'update_object_type',
      target: 'Customer',
      ok: false,
      findings: [
        { severity: 'breaking', code: 'property_removed_with_data', message: 'Removing email deletes data.', path: 'properties.email', affected: { count: 2, sampleValues: ['a@x', 'b@x'] } },
        { severity: 'info', code: 'property_added', message: 'Adds tier.' },
      ],
    },
  ],
};

const findings = breakingReport.changes[0]?.findings ?? [];

describe('schema reports', () => {
  it('counts what blocks a change and says so', () => {
    expect(summarizeReport(breakingReport)).toEqual({ errors: 0, breaking: 1, info: 1, applicable: false });
    expect(reportHeadline(breakingReport)).toBe('Breaking change refused: 1 problem with existing data');
    const ok: SchemaValidationReport = { valid: true, baseVersion: 3, changes: [{ index: 0, kind: 'create_object_type', target: 'Order', ok: true, findings: [] }] };
    expect(reportHeadline(ok)).toBe('Safe to apply: 1 change, nothing breaks');
    const invalid: SchemaValidationReport = { ...ok, valid: false, changes: [{ index: 0, kind: 'create_object_type', target: 'Order', ok: false, findings: [{ severity: 'error', code: 'x', message: 'm' }, { severity: 'error', code: 'y', message: 'n' }] }] };
    expect(reportHeadline(invalid)).toBe('The change is not valid: 2 problems');
  });

  it('describes the data a finding affects', () => {
    expect(affectedText(findings[0] as ChangeFinding)).toBe('2 objects affected, e.g. "a@x", "b@x"');
    expect(affectedText(findings[1] as ChangeFinding)).toBeUndefined();
  });

  it('reads the report a refusal carries', () => {
    expect(reportOfRefusal(new ApiError(409, 'ontology.schema_change_rejected', 'refused', 'r', { report: breakingReport }))).toEqual(breakingReport);
    expect(reportOfRefusal(new ApiError(409, 'other', 'x', 'r', {}))).toBeUndefined();
  });
});
