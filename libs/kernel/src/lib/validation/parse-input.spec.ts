import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationFailedError } from '../errors/kernel.errors';
import { parseInput } from './parse-input';
import { findUnstorableText } from './storable-text';

describe('parseInput', () => {
  const schema = z.object({ name: z.string(), metadata: z.record(z.string(), z.unknown()).optional() });

  it('returns the parsed value', () => {
    expect(parseInput(schema, { name: 'a', metadata: { note: 'ü ☃ 𝌆' } })).toEqual({ name: 'a', metadata: { note: 'ü ☃ 𝌆' } });
  });

  it.each([
    ['a NUL in a value', { name: 'a\u0000b' }, 'name'],
    ['a lone surrogate in a value', { name: 'a\ud800b' }, 'name'],
    ['a NUL deep in JSON', { name: 'a', metadata: { list: [1, { note: '\u0000' }] } }, 'metadata.list.1.note'],
    ['a lone surrogate in a key', { name: 'a', metadata: { ['k\udc00']: 1 } }, 'metadata.k\udc00'],
  ])('refuses text PostgreSQL cannot store: %s', (_case, input, path) => {
    let error: ValidationFailedError | undefined;
    try {
      parseInput(schema, input);
    } catch (caught) {
      error = caught as ValidationFailedError;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error?.code).toBe('kernel.validation_failed');
    expect(error?.details?.['issues']).toEqual([{ path, message: 'must not contain NUL characters or lone surrogates' }]);
  });

  it('checks only what the schema keeps (unknown keys are stripped first)', () => {
    expect(parseInput(schema, { name: 'a', junk: '\u0000' })).toEqual({ name: 'a' });
  });
});

describe('findUnstorableText', () => {
  it('walks deep input without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)).toMatch(/^0(\.0)*$/);
    expect(findUnstorableText({ at: new Date(), count: 1n, ok: true, none: null })).toBeUndefined();
    expect(findUnstorableText('\u0000')).toBe('(root)');
  });
});
