import type { z } from 'zod';
import { ModelGatewayError } from '../model-gateway.errors';

/** One failing field of a /v1 request body: where (`messages[0].content`) and why. */
export interface ApiBodyIssue {
  param: string;
  message: string;
}

/**
 * A /v1 request body that does not match its format. `details.param` is the path of the first
 * failing field, which the OpenAI envelope reports as `param` (and the Anthropic one in its message).
 */
export class InvalidApiRequestError extends ModelGatewayError {
  readonly param: string;

  constructor(issues: ApiBodyIssue[]) {
    const first = issues[0] ?? { param: '(root)', message: 'Invalid request body.' };
    super('model-gateway.invalid_request', 'invalid_argument', `Invalid request body at ${first.param}: ${first.message}`, {
      details: { param: first.param, issues },
    });
    this.param = first.param;
  }
}

/** `['messages', 0, 'content']` → `messages[0].content`, the way OpenAI writes `param`. */
export function paramPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}

/** Parses a /v1 body with its zod schema, or throws {@link InvalidApiRequestError} naming each failing field. */
export function parseApiBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new InvalidApiRequestError(result.error.issues.map((issue) => ({ param: paramPath(issue.path), message: issue.message })));
}
