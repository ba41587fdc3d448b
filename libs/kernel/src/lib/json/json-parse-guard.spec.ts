import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineMisreadsEscapedKeys, installJsonParseGuard, parseJson } from './json-parse-guard';
import { parseJsonFromTokens, type JsonReviver } from './json-token-parse';
import { jsonValueWithKeys } from './testing/json-value.arbitrary';

const nativeParse = JSON.parse;

/** Makes the engine cache a backslash key after `before`, the shape that makes it misread. */
function poison(before: string): void {
  nativeParse(`{${JSON.stringify(before)}:[],"\\\\":0}`);
}

describe('parseJson', () => {
  it.each(['"', '\n', '\t', '/', 'a"b', '\u00e9', '"\\'])('reads the key %j after the engine cached a backslash key in its place', (key) => {
    const before = `guard-${JSON.stringify(key)}`;
    poison(before);
    const text = `{${JSON.stringify(before)}:1,${JSON.stringify(key).replace('é', '\\u00e9')}:2}`;
    expect(Object.keys(parseJson(text) as object)).toEqual([before, key]);
  });

  it('gives back any JSON value, whatever the engine cached before', () => {
    const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('"', '\\', '\n', 'a\\', '__proto__', '\u2028'));
    const json = jsonValueWithKeys(key);
    fc.assert(
      fc.property(json, (value) => {
        const text = JSON.stringify(value);
        nativeParse(text); // whatever this text teaches the engine's key cache
        expect(JSON.stringify(parseJson(text))).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps __proto__ an own key and duplicate keys last-wins in the first place, as JSON.parse does', () => {
    const text = '{"a\\"":1,"__proto__":{"polluted":true},"b":2,"a\\"":3}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['a"', '__proto__', 'b']);
    expect(value['a"']).toBe(3);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('parses escaped keys nested as deep as the engine does, without using the call stack', () => {
    const depth = 100_000;
    let value = parseJson('{"\\"":'.repeat(depth) + '1' + '}'.repeat(depth)) as Record<string, unknown>;
    for (let level = 1; level < depth; level++) value = value['"'] as Record<string, unknown>;
    expect(value).toEqual({ '"': 1 });
  });

  it('refuses invalid JSON with the engine’s own error', () => {
    for (const text of ['{"\\"":', '{"\\"":1,}', '{"\\x":1}', "{'a':1}", '']) {
      let engine: unknown;
      try {
        nativeParse(text);
      } catch (error) {
        engine = error;
      }
      expect(() => parseJson(text)).toThrow(engine as Error);
    }
  });

  it('applies a reviver as JSON.parse does, with the source text of untouched primitives', () => {
    const key = fc.string({ maxLength: 5 }).filter((k) => !JSON.stringify(k).includes('\\'));
    const json = jsonValueWithKeys(key);
    const recording = (calls: unknown[]): JsonReviver =>
      function (this: unknown, k, v, context) {
        calls.push([k, v !== null && typeof v === 'object' ? 'object' : v, context?.source]);
        if (typeof v === 'number') return v * 2; // replaced: its holder no longer matches the text
        if (k === 'drop') return undefined;
        if (v === 'swap') return { swapped: '1' };
        return v;
      };
    fc.assert(
      fc.property(json, (value) => {
        const text = JSON.stringify(value);
        const engineCalls: unknown[] = [];
        const treeCalls: unknown[] = [];
        const engine = nativeParse(text, recording(engineCalls) as never);
        const tree = parseJsonFromTokens(text, recording(treeCalls));
        expect(treeCalls).toEqual(engineCalls);
        expect(tree).toEqual(engine);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('installJsonParseGuard', () => {
  it('replaces JSON.parse exactly when the engine misreads escaped keys, and then fetch bodies read right too', async () => {
    const misreads = engineMisreadsEscapedKeys();
    expect(installJsonParseGuard()).toBe(misreads);
    expect(JSON.parse.name).toBe('parse');
    expect(JSON.parse.length).toBe(2);
    poison('install');
    expect(Object.keys(JSON.parse('{"install":1,"\\"":2}'))).toEqual(['install', '"']);
    poison('body');
    expect(Object.keys((await new Response('{"body":1,"\\n":2}').json()) as object)).toEqual(['body', '\n']);
  });
});
