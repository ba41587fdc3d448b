import { describe, expect, it } from 'vitest';
import { compileCustomPattern } from './custom-pattern';

describe('compileCustomPattern', () => {
  it('compiles a safe pattern as global', () => {
    const pattern = compileCustomPattern('PRJ-\\d{4}', 'i');
    expect(pattern.flags).toBe('gi');
    expect('prj-1234 and PRJ-9999'.match(pattern)).toEqual(['prj-1234', 'PRJ-9999']);
  });

  it.each([
    ['(a+)+$', '', 'backtrack'],
    ['([a-z]*)*x', '', 'backtrack'],
    ['a{0,3}', '', 'empty string'],
    ['(unclosed', '', 'not a valid'],
    ['abc', 'g', 'flag'],
    ['abc', 'y', 'flag'],
    ['x'.repeat(501), '', 'longer than'],
  ])('rejects %j with flags %j', (pattern, flags, reason) => {
    expect(() => compileCustomPattern(pattern, flags)).toThrow(reason);
    try {
      compileCustomPattern(pattern, flags);
    } catch (error) {
      expect((error as { code: string }).code).toBe('model-gateway.unsafe_pattern');
    }
  });
});
