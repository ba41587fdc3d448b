/** What a field holding such text is told (one wording for every parser that checks it). */
export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or lone surrogates';

/**
 * Whether PostgreSQL can store the string exactly: text and jsonb refuse NUL, jsonb refuses a lone
 * UTF-16 surrogate (and text would store it as U+FFFD, silently changing it).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/**
 * The path (`metadata.note`, `(root)`) of the first string in `value` — an object key or a string
 * value, in plain objects and arrays — that PostgreSQL cannot store exactly, or undefined. Walked
 * iteratively, so a hostile, deeply nested input cannot overflow the stack.
 */
export function findUnstorableText(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string };
    const current = item.value;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return item.path || '(root)';
    } else if (Array.isArray(current)) {
      // Numbers and booleans (a query vector's 384 numbers) hold no text: no path is built for them.
      current.forEach((child, index) => {
        if (holdsText(child)) stack.push({ value: child, path: item.path ? `${item.path}.${index}` : String(index) });
      });
    } else if (current !== null && typeof current === 'object') {
      const prototype = Object.getPrototypeOf(current) as unknown;
      if (prototype !== Object.prototype && prototype !== null) continue;
      for (const [key, child] of Object.entries(current)) {
        if (!isStorableText(key)) return item.path ? `${item.path}.${key}` : key;
        if (holdsText(child)) stack.push({ value: child, path: item.path ? `${item.path}.${key}` : key });
      }
    }
  }
  return undefined;
}

function holdsText(value: unknown): boolean {
  return typeof value === 'string' || (value !== null && typeof value === 'object');
}
