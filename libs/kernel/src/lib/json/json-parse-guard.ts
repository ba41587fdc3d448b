import { hasEscapedKey } from './escaped-key-scan';
import { parseJsonFromTokens, type JsonReviver } from './json-token-parse';

/**
 * V8 (Node 24's 13.6 and Node 26's 14.6) can misread an escaped object key in JSON.parse: once a
 * text has had a key ending in a backslash after some keys, a later text with the same keys
 * before an escaped key (`"\""`, `"\n"`, `"\u0022"`) gets the cached key instead, silently
 * (nodejs/node#63785, crbug 521080746). For Strata that means a request body, a stored JSON
 * column read back by Prisma, or a provider's answer can come back with another key, and one
 * tenant's bodies can poison the parse of another's. The audit chain showed it first: details
 * hashed at append no longer matched the row read back.
 *
 * The guard keeps the engine's parser for every text without an escaped key (nearly all of them;
 * the check is a few native scans) and parses the others with a parser written in JavaScript,
 * after letting the engine validate them so errors read exactly as before.
 */
const nativeParse = JSON.parse;

let installed = false;

/**
 * Whether this engine has the bug. Probes with keys of its own, so the cache entry it leaves
 * matches no Strata text.
 */
export function engineMisreadsEscapedKeys(): boolean {
  nativeParse('{"strataJsonParseProbe":0,"\\\\":0}');
  return Object.keys(nativeParse('{"strataJsonParseProbe":0,"\\"":0}'))[1] !== '"';
}

/** JSON.parse, correct on engines with the bug. */
export function parseJson(text: string, reviver?: JsonReviver): unknown {
  const source = String(text);
  if (!hasEscapedKey(source)) return reviver ? nativeParse(source, reviver as never) : nativeParse(source);
  nativeParse(source); // the engine's validation and error messages
  return parseJsonFromTokens(source, reviver);
}

/**
 * Replaces the global JSON.parse with {@link parseJson} when the engine has the bug, so every
 * parser in the process (Express's body parser, Prisma's JSON columns, fetch's `json()`) is
 * covered. Call it first thing in each entry point. Returns whether the guard is in place.
 */
export function installJsonParseGuard(): boolean {
  if (installed) return true;
  if (!engineMisreadsEscapedKeys()) return false;
  Object.defineProperty(JSON, 'parse', {
    // Named `parse` with two parameters, like the built-in.
    value: { parse: (text: string, reviver?: JsonReviver) => parseJson(text, reviver) }.parse,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  installed = true;
  return true;
}
