import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import type { ImportReport } from '../api/ontology-objects';
import { buildImport, importReportOfRefusal, importSummary } from './ontology-import';

const report = (changes: Partial<ImportReport>): ImportReport => ({
  dryRun: true,
  committed: false,
  typeApiName: 'Order',
  mode: 'create',
  rows: 2,
  created: 2,
  updated: 0,
  unchanged: 0,
  failed: 0,
  errors: [],
  errorsTruncated: false,
  ...changes,
});

describe('the import panel', () => {
  it('builds the request for CSV and JSON, refusing what cannot be sent', () => {
    expect(buildImport('Order', 'csv', 'create', 'orderId\nO-9')).toEqual({ ok: true, request: { typeApiName: 'Order', format: 'csv', mode: 'create', csv: 'orderId\nO-9' } });
    expect(buildImport('Order', 'json', 'upsert', '[{"orderId":"O-9"}]')).toEqual({ ok: true, request: { typeApiName: 'Order', format: 'json', mode: 'upsert', rows: [{ orderId: 'O-9' }] } });
    expect(buildImport('Order', 'json', 'create', '{"orderId":"O-9"}')).toMatchObject({ ok: false, problem: expect.stringContaining('JSON array') });
    expect(buildImport('Order', 'json', 'create', '[1')).toMatchObject({ ok: false, problem: expect.stringContaining('Not valid JSON') });
    expect(buildImport('Order', 'csv', 'create', '  ')).toMatchObject({ ok: false });
  });

  it('summarises a report and reads the one a refusal carries', () => {
    expect(importSummary(report({}))).toBe('Dry run passed: 2 rows: 2 to create, 0 to update, 0 unchanged, 0 invalid. Nothing was written yet.');
    expect(importSummary(report({ failed: 1, created: 1 }))).toContain('Nothing was imported; fix the rows below.');
    expect(importSummary(report({ dryRun: false, committed: true }))).toBe('Imported: 2 rows (2 created, 0 updated, 0 unchanged).');
    const refused = report({ dryRun: false, failed: 1, errors: [{ row: 2, errors: [{ path: 'status', message: 'must be one of open, paid' }] }] });
    expect(importReportOfRefusal(new ApiError(409, 'ontology.import_rejected', 'x', 'r', { report: refused }))).toEqual(refused);
    expect(importReportOfRefusal(new ApiError(409, 'x', 'x'))).toBeUndefined();
  });
});
