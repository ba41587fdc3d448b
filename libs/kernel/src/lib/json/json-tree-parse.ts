import { evaluate, parse, type ValueNode } from '@humanwhocodes/momoa';

export type JsonReviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

/**
 * JSON.parse without the engine's parser: momoa builds a syntax tree in JavaScript, decoding
 * every string (keys included) itself, and its `evaluate` defines each key as an own data
 * property (`__proto__` too), as JSON.parse does. Duplicate keys: the last one wins, in the
 * first one's place, as JSON.parse does. The caller has already let the engine validate the
 * text, so a text reaching this is valid JSON.
 *
 * A reviver is applied as the specification's InternalizeJSONProperty does, with the
 * source-text context (`context.source`) for the primitives the reviver has not replaced.
 */
export function parseJsonByTree(text: string, reviver?: JsonReviver): unknown {
  const document = parse(text, { mode: 'json', ranges: Boolean(reviver) });
  const value = evaluate(document.body);
  if (!reviver) return value;
  const parsedObjects = new WeakMap<object, ValueNode>();
  recordParsedObjects(value, document.body, parsedObjects);
  return new Internalizer(text, reviver, parsedObjects).revive({ '': value }, '', document.body);
}

/** Which tree node each parsed object or array came from, so a replaced one is told apart. */
function recordParsedObjects(value: unknown, node: ValueNode, into: WeakMap<object, ValueNode>): void {
  if (value === null || typeof value !== 'object') return;
  into.set(value, node);
  if (node.type === 'Array') node.elements.forEach((element, index) => recordParsedObjects((value as unknown[])[index], element.value, into));
  if (node.type === 'Object') for (const [name, member] of lastMembers(node)) recordParsedObjects((value as Record<string, unknown>)[name], member, into);
}

class Internalizer {
  constructor(
    private readonly text: string,
    private readonly reviver: JsonReviver,
    private readonly parsedObjects: WeakMap<object, ValueNode>,
  ) {}

  /** `node` is the tree node the holder's property was parsed from, if the holder is as parsed. */
  revive(holder: object, key: string, node: ValueNode | undefined): unknown {
    const value = (holder as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object') {
      // An object the reviver put in place has no source: its properties get no context.
      const parsed = this.parsedObjects.get(value);
      if (Array.isArray(value)) {
        const elements = parsed?.type === 'Array' ? parsed.elements : undefined;
        for (let index = 0; index < value.length; index++) this.reviveInto(value, String(index), elements?.[index]?.value);
      } else {
        const members = parsed?.type === 'Object' ? lastMembers(parsed) : undefined;
        for (const name of Object.keys(value)) this.reviveInto(value, name, members?.get(name));
      }
    }
    const context = node && isUnchangedPrimitive(node, value) ? { source: this.text.slice(node.range![0], node.range![1]) } : {};
    return this.reviver.call(holder, key, value, context);
  }

  private reviveInto(holder: object, key: string, node: ValueNode | undefined): void {
    const revived = this.revive(holder, key, node);
    if (revived === undefined) delete (holder as Record<string, unknown>)[key];
    else Object.defineProperty(holder, key, { value: revived, writable: true, enumerable: true, configurable: true });
  }
}

function lastMembers(node: Extract<ValueNode, { type: 'Object' }>): Map<string, ValueNode> {
  const members = new Map<string, ValueNode>();
  for (const member of node.members) if (member.name.type === 'String') members.set(member.name.value, member.value);
  return members;
}

function isUnchangedPrimitive(node: ValueNode, value: unknown): boolean {
  switch (node.type) {
    case 'String':
    case 'Number':
    case 'Boolean':
      return Object.is(node.value, value);
    case 'Null':
      return value === null;
    default:
      return false;
  }
}
