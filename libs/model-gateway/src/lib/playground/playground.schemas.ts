import { z } from 'zod';

/** Limits of a playground call (it is for trying a route, not for bulk work). */
export const PLAYGROUND_LIMITS = { messages: 100, messageChars: 100_000, maxOutputTokens: 32_768 } as const;

const text = z.string().max(PLAYGROUND_LIMITS.messageChars);

export const playgroundRequestSchema = z
  .object({
    /** An alias or catalog model name; `alias` is accepted as a synonym. */
    model: z.string().min(1).max(256).optional(),
    alias: z.string().min(1).max(256).optional(),
    taskClass: z.string().min(1).max(64).optional(),
    /** Either a conversation… */
    messages: z
      .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: text }).strict())
      .min(1)
      .max(PLAYGROUND_LIMITS.messages)
      .optional(),
    /** …or one prompt (with an optional system text). */
    prompt: text.min(1).optional(),
    system: text.optional(),
    maxOutputTokens: z.number().int().min(1).max(PLAYGROUND_LIMITS.maxOutputTokens).optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict()
  .refine((body) => (body.messages === undefined) !== (body.prompt === undefined), { message: 'give either messages or prompt', path: ['messages'] })
  .refine((body) => !(body.model !== undefined && body.alias !== undefined), { message: 'give model or alias, not both', path: ['alias'] });

export type PlaygroundRequest = z.output<typeof playgroundRequestSchema>;
