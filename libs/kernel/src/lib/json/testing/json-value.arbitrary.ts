import fc from 'fast-check';

/**
 * Any JSON value whose object keys come from `key` (fast-check's own `jsonValue` draws keys from
 * plain strings, rarely the escapes these specs are about). Test-only.
 */
export function jsonValueWithKeys(key: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 0 }), tie('object'), tie('array')),
    object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    array: fc.array(tie('value'), { maxLength: 4 }),
  })).value;
}
