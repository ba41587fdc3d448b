import { z } from 'zod';
import { agentSpecSchema } from './agent-spec';

let cached: Record<string, unknown> | undefined;

/**
 * The spec's JSON Schema (what the admin's editor validates and completes against), generated from
 * agentSpecSchema so the two cannot drift. Input form: fields with defaults are optional.
 */
export function agentSpecJsonSchema(): Record<string, unknown> {
  cached ??= z.toJSONSchema(agentSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return cached;
}
