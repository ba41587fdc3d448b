/**
 * Walks a request (an internal ChatRequest-like object, or a raw OpenAI chat / Anthropic Messages /
 * embeddings JSON body) and rewrites only its content text: strings under `content`, `text`,
 * `system`, `input`, `arguments`, `prompt`, `instructions`, and arrays of strings there. Model
 * names, roles, ids, tool schemas, response formats and media are never touched. Copy on write:
 * unchanged parts are shared, non-plain objects (an AbortSignal) are kept as they are.
 */
const TEXT_KEYS = new Set(['content', 'text', 'system', 'input', 'arguments', 'prompt', 'instructions']);

const SKIPPED_KEYS = new Set([
  'model',
  'role',
  'type',
  'id',
  'name',
  'tools',
  'functions',
  'tool_choice',
  'toolChoice',
  'response_format',
  'responseFormat',
  'metadata',
  'signal',
  'stop',
  'stop_sequences',
  'user',
  'tool_call_id',
  'toolCallId',
  'tool_use_id',
  'image_url',
  'source',
  'data',
  'url',
  'mediaType',
  'media_type',
  'cache_control',
  'stream_options',
]);

export type TextVisitor = (text: string, path: string) => string;

export function rewritePromptText<T>(value: T, visit: TextVisitor): T {
  return walk(value, '', false, visit) as T;
}

function walk(node: unknown, path: string, isText: boolean, visit: TextVisitor): unknown {
  if (typeof node === 'string') return isText ? visit(node, path) : node;
  if (Array.isArray(node)) {
    let changed = false;
    const out = node.map((item, index) => {
      const next = walk(item, `${path}[${index}]`, isText, visit);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : node;
  }
  if (!isPlainObject(node)) return node;
  let out: Record<string, unknown> | undefined;
  for (const [key, child] of Object.entries(node)) {
    if (SKIPPED_KEYS.has(key)) continue;
    const next = walk(child, path ? `${path}.${key}` : key, TEXT_KEYS.has(key), visit);
    if (next !== child) {
      out ??= { ...node };
      out[key] = next;
    }
  }
  return out ?? node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
