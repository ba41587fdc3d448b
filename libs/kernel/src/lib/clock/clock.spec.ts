import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from './clock';

describe('clocks', () => {
  it('the system clock follows real time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
  });

  it('the manual clock moves only when told, and hands out copies', () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const first = clock.now();
    first.setFullYear(1999);
    expect(clock.now().toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(clock.advance(90_000).toISOString()).toBe('2026-03-01T10:01:30.000Z');
    clock.set(0);
    expect(clock.now().getTime()).toBe(0);
  });
});
