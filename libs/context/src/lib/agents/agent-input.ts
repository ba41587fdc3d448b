import { z } from 'zod';
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '@strata/kernel';
import { agentSpecSchema, type AgentSpec } from './agent-spec';
import { InvalidAgentInputError, InvalidAgentSpecError, type AgentFieldIssue } from './agents.errors';

/** Agent names: what people pick agents by in the admin and in logs. */
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/;

const name = z.string().trim().regex(AGENT_NAME, 'must be 1-128 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit');
const description = z.string().max(2_000);

export const createAgentSchema = z
  .object({
    name,
    description: description.default(''),
    /** Validated separately (agentSpecSchema), so its errors carry paths inside the spec. */
    spec: z.unknown(),
  })
  .strict();

export const updateAgentSchema = z
  .object({
    name: name.optional(),
    description: description.optional(),
    /** The whole new spec (a spec is replaced, never merged: what you send is what runs). */
    spec: z.unknown().optional(),
    /** The version read; or send `If-Match: "<version>"`. */
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict();

export const listAgentsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
  /** Name contains (case-insensitive). */
  q: z.string().trim().min(1).max(128).optional(),
});

export type CreateAgentInput = z.output<typeof createAgentSchema>;
export type UpdateAgentInput = z.output<typeof updateAgentSchema>;
export type ListAgentsQuery = z.output<typeof listAgentsQuerySchema>;

export function issuesOf(error: z.ZodError): AgentFieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
}

/** The body around the spec; errors are `context.invalid_agent`. */
export function parseAgentInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) throw new InvalidAgentInputError(issuesOf(result.error));
  // Text PostgreSQL cannot store: invalid input, not a 500 at the first write or decision record.
  const unstorable = findUnstorableText(result.data);
  if (unstorable !== undefined) throw new InvalidAgentInputError([{ path: unstorable, message: UNSTORABLE_TEXT_MESSAGE }]);
  return result.data;
}

/** The spec; errors are `context.invalid_spec` with paths inside the spec (`tools.1.kind`). */
export function parseAgentSpec(raw: unknown): AgentSpec {
  const result = agentSpecSchema.safeParse(raw);
  if (!result.success) throw new InvalidAgentSpecError(issuesOf(result.error));
  const unstorable = findUnstorableText(result.data);
  if (unstorable !== undefined) throw new InvalidAgentSpecError([{ path: unstorable, message: UNSTORABLE_TEXT_MESSAGE }]);
  return result.data;
}

/** `If-Match: "3"` (or W/"3", or 3) and/or `expectedVersion`; both given must agree, one is required. */
export function expectedAgentVersion(fromBody: number | undefined, ifMatch: string | undefined): number {
  const header = ifMatch?.trim();
  if (header === undefined || header === '' || header === '*') {
    if (fromBody === undefined) throw new InvalidAgentInputError([{ path: 'expectedVersion', message: 'send the version you read as expectedVersion or If-Match' }]);
    return fromBody;
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header);
  if (!match) throw new InvalidAgentInputError([{ path: 'If-Match', message: 'If-Match must be the agent version as an ETag, e.g. "3"' }]);
  const version = Number(match[1]);
  if (fromBody !== undefined && fromBody !== version) throw new InvalidAgentInputError([{ path: 'If-Match', message: `If-Match ${version} and expectedVersion ${fromBody} disagree` }]);
  return version;
}
