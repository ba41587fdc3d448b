import { z } from 'zod';
import { pageQuerySchema } from '@strata/governance';
import { RUN_STATUSES } from './run.contract';

/** Explicit limits of the sessions and runs API. */
export const RUNTIME_LIMITS = {
  titleChars: 200,
  /** One user message (the model's context budget decides how much of the conversation is sent). */
  messageChars: 100_000,
  /** Durable events sent per database read of an SSE stream. */
  eventsPerRead: 500,
  /** SSE comment sent when nothing else was, so proxies keep the stream open. */
  sseHeartbeatMs: 15_000,
  /** How often an SSE stream reads new durable events written by a worker in another process. */
  ssePollMs: 500,
} as const;

const purpose = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a purpose name such as fraud-review');

export const createSessionSchema = z
  .object({
    agentId: z.uuid(),
    title: z.string().trim().max(RUNTIME_LIMITS.titleChars).optional(),
    /** Defaults to the request's declared purpose, else the agent's default purpose. */
    purpose: purpose.optional(),
  })
  .strict();

export const listSessionsSchema = pageQuerySchema.extend({ agentId: z.uuid().optional() }).strict();

export const postMessageSchema = z
  .object({
    content: z.string().trim().min(1, 'must not be empty').max(RUNTIME_LIMITS.messageChars),
    /** While a run of the session is active: wait for it (queue) or cancel it (interrupt). Default: the agent's busyPolicy. */
    policy: z.enum(['queue', 'interrupt']).optional(),
  })
  .strict();

export const listRunsSchema = pageQuerySchema
  .extend({
    sessionId: z.uuid().optional(),
    agentId: z.uuid().optional(),
    status: z.enum(RUN_STATUSES).optional(),
  })
  .strict();

export const stepIndexSchema = z.coerce.number().int().min(0).max(10_000);

export const eventsQuerySchema = z.object({ after: z.coerce.number().int().min(0).optional() }).strict();
