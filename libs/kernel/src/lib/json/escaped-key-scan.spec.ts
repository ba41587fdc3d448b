import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasEscapedKey } from './escaped-key-scan';
import { jsonValueWithKeys } from './testing/json-value.arbitrary';

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  return [];
}

describe('hasEscapedKey', () => {
  it.each([
    ['{"a":1}', false],
    ['{"a":"line\\nbreak","b":["\\"",{"c":"\\\\"}]}', false],
    ['["\\": not a key", {"k": "\\"\\":"}]', false],
    ['{"\\"":1}', true],
    ['{"a\\\\":1}', true],
    ['{"x":{"\\u00e9" \n\t :1}}', true],
    ['{"a" : "\\n", "b"\t:"c:\\"d"}', false],
    ['{"ok":"\\\\","\\n":2}', true],
    ['"\\"" ', false],
    ['{"\\"', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(hasEscapedKey(text)).toBe(expected);
  });

  it('is true exactly when some key of the value needs an escape in JSON', () => {
    const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('"', '\\', '\n', 'a"b', '\u0001', '":'));
    const json = jsonValueWithKeys(key);
    fc.assert(
      fc.property(json, fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const expected = keysOf(value).some((k) => JSON.stringify(k).includes('\\'));
        expect(hasEscapedKey(text)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on a string of escapes', () => {
    const text = JSON.stringify({ v: '\n'.repeat(2_000_000), w: 1 });
    const started = process.hrtime.bigint();
    expect(hasEscapedKey(text)).toBe(false);
    // A quadratic scan would take minutes here; this bound only catches that.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });
});
