import { describe, expect, it } from 'vitest';
import { AUDIT_FILTERS, auditFilter, auditFilterProblems, exportFilename } from './audit-filters';
import { readFilters, writeFilters } from './url-filters';

describe('audit explorer filters', () => {
  it('round-trips through the URL and sends only the filters that are set', () => {
    const params = new URLSearchParams('actionPrefix=api_key.&outcome=denied&from=2026-11-22T08%3A00%3A00.000Z&entry=abc');
    const values = readFilters(params, AUDIT_FILTERS);
    expect(auditFilter(values)).toEqual({ actionPrefix: 'api_key.', outcome: 'denied', from: '2026-11-22T08:00:00.000Z' });
    expect(writeFilters(values, AUDIT_FILTERS).toString()).toBe('from=2026-11-22T08%3A00%3A00.000Z&actionPrefix=api_key.&outcome=denied');
  });

  it('ignores outcomes and actor types the API does not know', () => {
    expect(auditFilter(readFilters(new URLSearchParams('outcome=maybe&actorType=robot'), AUDIT_FILTERS))).toEqual({});
  });

  it('finds what the API would refuse before asking it', () => {
    const values = { ...AUDIT_FILTERS.defaults, actionPrefix: 'API Key', from: '2026-11-22T10:00:00Z', to: '2026-11-22T09:00:00Z' };
    expect(auditFilterProblems(values)).toEqual({ actionPrefix: expect.stringContaining('Lowercase'), to: 'Must be after "From".' });
    expect(auditFilterProblems({ ...AUDIT_FILTERS.defaults, actionPrefix: 'policy.publish' })).toEqual({});
  });

  it('names an export by format and time', () => {
    expect(exportFilename('csv', new Date('2026-11-22T10:11:12.345Z'))).toBe('strata-audit-2026-11-22T10-11-12-345Z.csv');
  });
});
