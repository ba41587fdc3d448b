const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text has an object key written with an escape sequence (`"a\"b":`, `"\n":`,
 * `"\u00e9":`). Those keys are the ones V8's JSON.parse can misread (see json-parse-guard.ts).
 *
 * It looks at the ends of keys only, never through string values: a key is the one string
 * followed by a colon, so it jumps from colon to colon (native `indexOf`), starting at the first
 * backslash, and checks the string before each for a backslash. Linear in the text; a text
 * without a backslash costs one native scan. On invalid JSON the answer does not matter: the
 * engine rejects the text either way.
 */
export function hasEscapedKey(text: string): boolean {
  let nextBackslash = text.indexOf('\\');
  if (nextBackslash === -1) return false;
  // An escaped key's colon comes after the backslash in it.
  let colon = text.indexOf(':', nextBackslash);
  while (colon !== -1) {
    let close = colon - 1;
    while (close >= 0 && isJsonWhitespace(text.charCodeAt(close))) close--;
    // An unescaped quote before a colon closes a key; the first backslash at or after the one
    // before it tells whether the key has one.
    if (close >= 0 && text.charCodeAt(close) === QUOTE && !isEscaped(text, close) && nextBackslash < close) {
      const open = text.lastIndexOf('"', close - 1);
      // A quote right after a backslash is escaped, so it is inside the key: only an opening
      // quote follows a `{`, a `,` or whitespace.
      if (open <= 0 || text.charCodeAt(open - 1) === BACKSLASH || nextBackslash > open) return true;
      nextBackslash = text.indexOf('\\', open + 1);
      if (nextBackslash === -1) return false;
      if (nextBackslash < close) return true;
    }
    colon = text.indexOf(':', Math.max(colon + 1, nextBackslash));
  }
  return false;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (at - backslashes - 1 >= 0 && text.charCodeAt(at - backslashes - 1) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
