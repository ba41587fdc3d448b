import { describe, expect, it } from 'vitest';
import { loadConfig } from '@strata/kernel';
import { BoundedQueue } from './span-queue';
import { hrTimeToIso } from './span-row';
import { traceStoreOptionsFromConfig, validateTraceStoreOptions, TRACE_STORE_DEFAULTS } from './trace-store-options';

describe('BoundedQueue', () => {
  it('is FIFO across wrap-around and refuses items past its capacity', () => {
    const queue = new BoundedQueue<number>(3);
    expect([queue.push(1), queue.push(2), queue.push(3), queue.push(4)]).toEqual([true, true, true, false]);
    expect(queue.take(2)).toEqual([1, 2]);
    expect([queue.push(5), queue.push(6), queue.push(7)]).toEqual([true, true, false]);
    expect(queue.size).toBe(3);
    expect(queue.take(10)).toEqual([3, 5, 6]);
    expect(queue.take(1)).toEqual([]);
    queue.push(8);
    expect(queue.clear()).toBe(1);
    expect(queue.size).toBe(0);
  });
});

describe('hrTimeToIso', () => {
  it('keeps microseconds and carries whole seconds of nanoseconds', () => {
    expect(hrTimeToIso([1_700_000_000, 123_456_789])).toBe('2023-11-14T22:13:20.123456Z');
    expect(hrTimeToIso([1_700_000_000, 0])).toBe('2023-11-14T22:13:20.000000Z');
    expect(hrTimeToIso([1_700_000_000, 1_000_001_000])).toBe('2023-11-14T22:13:21.000001Z');
  });
});

describe('trace store options', () => {
  it('takes the retention from STRATA_TRACE_RETENTION_DAYS (default 14)', () => {
    expect(traceStoreOptionsFromConfig(loadConfig({})).retentionDays).toBe(14);
    expect(traceStoreOptionsFromConfig(loadConfig({ STRATA_TRACE_RETENTION_DAYS: '30' })).retentionDays).toBe(30);
    expect(() => loadConfig({ STRATA_TRACE_RETENTION_DAYS: '0' })).toThrow(/STRATA_TRACE_RETENTION_DAYS/);
  });

  it('refuses values out of range, naming the option', () => {
    expect(() => validateTraceStoreOptions({ ...TRACE_STORE_DEFAULTS, maxBatchSize: 10_000 })).toThrow(
      expect.objectContaining({ code: 'observability.trace_store_invalid_options', details: expect.objectContaining({ option: 'maxBatchSize' }) }),
    );
    expect(() => validateTraceStoreOptions({ ...TRACE_STORE_DEFAULTS, retentionBatchSize: 0 })).toThrow(/retentionBatchSize/);
  });
});
