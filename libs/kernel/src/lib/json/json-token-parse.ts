import { createScanner } from 'jsonc-parser';

export type JsonReviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

type Container = Record<string, unknown> | unknown[];

/** A parsed primitive: its value and its source text (for a reviver's `context.source`). */
interface ParsedPrimitive {
  value: unknown;
  source: string;
}

/** jsonc-parser's SyntaxKind values (a const enum, which an isolated module cannot import). */
const TOKEN = { openBrace: 1, closeBrace: 2, openBracket: 3, closeBracket: 4, null: 7, true: 8, false: 9, string: 10, number: 11, end: 17 } as const;

/**
 * JSON.parse without the engine's object parser: jsonc-parser's scanner (VS Code's, in
 * JavaScript, no allocation per token) reads the tokens and decodes the strings, keys included,
 * and the values are built here on an explicit stack, so nesting depth costs no call stack. Keys
 * are own data properties (`__proto__` too) and a duplicate key keeps the last value in the first
 * one's place, as in JSON.parse. The caller has already let the engine validate the text: it is
 * valid JSON (the scanner would also take comments, which never reach it).
 *
 * A reviver is applied as the specification's InternalizeJSONProperty does, with the
 * source-text context (`context.source`) for the primitives the reviver has not replaced.
 */
export function parseJsonFromTokens(text: string, reviver?: JsonReviver): unknown {
  const parsed = reviver ? new WeakMap<Container, Map<string, ParsedPrimitive>>() : undefined;
  const stack: Array<{ container: Container; key: string | undefined }> = [];
  const scanner = createScanner(text, true);
  let root: unknown;
  let rootSource: string | undefined;

  const put = (value: unknown, primitive: boolean): void => {
    const source = parsed && primitive ? text.slice(scanner.getTokenOffset(), scanner.getTokenOffset() + scanner.getTokenLength()) : undefined;
    const top = stack[stack.length - 1];
    if (!top) {
      root = value;
      rootSource = source;
      return;
    }
    const key = Array.isArray(top.container) ? String(top.container.length) : (top.key as string);
    if (Array.isArray(top.container)) top.container.push(value);
    else {
      defineOwn(top.container, key, value);
      top.key = undefined;
    }
    if (parsed && source !== undefined) {
      let primitives = parsed.get(top.container);
      if (!primitives) parsed.set(top.container, (primitives = new Map()));
      primitives.set(key, { value, source });
    }
  };

  for (let token: number = scanner.scan(); token !== TOKEN.end; token = scanner.scan()) {
    switch (token) {
      case TOKEN.openBrace:
      case TOKEN.openBracket: {
        const container: Container = token === TOKEN.openBrace ? {} : [];
        put(container, false);
        stack.push({ container, key: undefined });
        break;
      }
      case TOKEN.closeBrace:
      case TOKEN.closeBracket:
        stack.pop();
        break;
      case TOKEN.string: {
        const top = stack[stack.length - 1];
        if (top && !Array.isArray(top.container) && top.key === undefined) top.key = scanner.getTokenValue();
        else put(scanner.getTokenValue(), true);
        break;
      }
      case TOKEN.number:
        put(Number(scanner.getTokenValue()), true);
        break;
      case TOKEN.true:
      case TOKEN.false:
      case TOKEN.null:
        put(token === TOKEN.null ? null : token === TOKEN.true, true);
        break;
      default:
        break; // comma, colon
    }
  }
  if (!reviver || !parsed) return root;
  const holder = { '': root };
  if (rootSource !== undefined) parsed.set(holder, new Map([['', { value: root, source: rootSource }]]));
  return new Internalizer(reviver, parsed).revive(holder, '');
}

/** As JSON.parse's CreateDataProperty: an own property even for `__proto__`. */
function defineOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else (target as Record<string, unknown>)[key] = value;
}

class Internalizer {
  constructor(
    private readonly reviver: JsonReviver,
    private readonly parsed: WeakMap<Container, Map<string, ParsedPrimitive>>,
  ) {}

  revive(holder: object, key: string): unknown {
    const value = (holder as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object') {
      const container = value as Container;
      const keys = Array.isArray(container) ? Array.from({ length: container.length }, (_, index) => String(index)) : Object.keys(container);
      for (const name of keys) {
        const revived = this.revive(container, name);
        if (revived === undefined) delete (container as Record<string, unknown>)[name];
        else Object.defineProperty(container, name, { value: revived, writable: true, enumerable: true, configurable: true });
      }
    }
    // A primitive keeps its source text while it is still the value parsed at that place; an
    // object the reviver put in place has none.
    const primitive = this.parsed.get(holder as Container)?.get(key);
    const context = primitive && Object.is(primitive.value, value) ? { source: primitive.source } : {};
    return this.reviver.call(holder, key, value, context);
  }
}
