import { describe, expect, it } from 'vitest';
import { isFiltered, isoToLocalInput, localInputToIso, readFilters, writeFilters, type FilterSpec } from './url-filters';

const SPEC: FilterSpec<'view' | 'status' | 'action'> = {
  defaults: { view: 'for-me', status: '', action: '' },
  allowed: { view: ['for-me', 'mine', 'all'], status: ['', 'pending', 'approved'] },
};

describe('URL filters', () => {
  it('reads declared filters, trimming values and falling back to defaults', () => {
    expect(readFilters(new URLSearchParams('status=pending&action=%20policy.%20&other=x'), SPEC)).toEqual({
      view: 'for-me',
      status: 'pending',
      action: 'policy.',
    });
  });

  it('refuses values a select does not offer', () => {
    expect(readFilters(new URLSearchParams('view=everything&status=lost'), SPEC)).toEqual({ view: 'for-me', status: '', action: '' });
  });

  it('writes only what differs from the defaults, and round-trips', () => {
    const values = { view: 'all', status: '', action: 'api_key.' };
    const params = writeFilters(values, SPEC);
    expect(params.toString()).toBe('view=all&action=api_key.');
    expect(readFilters(params, SPEC)).toEqual(values);
    expect(writeFilters(SPEC.defaults, SPEC).toString()).toBe('');
  });

  it('says whether a view is filtered', () => {
    expect(isFiltered(SPEC.defaults, SPEC)).toBe(false);
    expect(isFiltered({ ...SPEC.defaults, status: 'approved' }, SPEC)).toBe(true);
  });
});

describe('datetime-local ⇄ ISO instant', () => {
  it('round-trips a local wall-clock time through an ISO instant', () => {
    const iso = localInputToIso('2026-11-22T09:30');
    expect(iso).toMatch(/^2026-11-2\dT\d\d:30:00\.000Z$/);
    expect(isoToLocalInput(iso)).toBe('2026-11-22T09:30');
  });

  it('turns empty or invalid input into no filter', () => {
    expect(localInputToIso('')).toBe('');
    expect(localInputToIso('yesterday')).toBe('');
    expect(isoToLocalInput('')).toBe('');
    expect(isoToLocalInput('not a date')).toBe('');
  });
});
