import { describe, expect, it } from 'vitest';
import { idTimestamp, isUuid, newId } from './ids';

describe('ids', () => {
  it('are unique and sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('encode their creation time', () => {
    const before = Date.now();
    const id = newId();
    const at = idTimestamp(id).getTime();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('tell a uuid from anything else', () => {
    expect(isUuid(newId())).toBe(true);
    expect(isUuid('42')).toBe(false);
    expect(isUuid(undefined)).toBe(false);
    expect(() => idTimestamp('00000000-0000-4000-8000-000000000000')).toThrow(/UUIDv7/);
  });
});
