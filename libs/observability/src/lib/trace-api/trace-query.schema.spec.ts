import { describe, expect, it } from 'vitest';
import { traceListSchema } from './trace-query.schema';

describe('traceListSchema', () => {
  it('reports malformed instants as issues (the range checks do not run on the raw strings)', () => {
    const result = traceListSchema.safeParse({ from: 'not-a-date', to: '2020-13-45' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['from', 'to']);
  });

  it('still checks the order and width of a valid range', () => {
    expect(traceListSchema.safeParse({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }).error?.issues[0]?.message).toBe('from must be before to');
    expect(traceListSchema.safeParse({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }).error?.issues[0]?.message).toBe('the range may cover at most 31 days');
    expect(traceListSchema.safeParse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }).success).toBe(true);
  });
});
