import { z } from 'zod';
import { toolParametersSchema } from '../openai-api/openai-chat.schema';

/**
 * The Anthropic Messages request body, as far as the gateway understands it. Objects are loose so
 * the passthrough path forwards fields we do not translate (top_k, thinking, metadata...); blocks
 * we cannot translate (documents, server tools) are refused with their path.
 */
export const ANTHROPIC_LIMITS = { messages: 2048, tools: 128, stopSequences: 8 } as const;

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({
      type: z.literal('base64'),
      media_type: z.string().regex(/^image\/[a-z0-9.+-]+$/i, { message: 'must be an image media type' }),
      data: z.string().min(1),
    }),
    z.looseObject({ type: z.literal('url'), url: z.string().regex(/^https?:\/\//i, { message: 'must be an http(s) URL' }) }),
  ]),
});
const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});

const contentBlock = z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock]);

export const anthropicMessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

const tool = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' }),
  description: z.string().optional(),
  input_schema: toolParametersSchema,
});

const toolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto') }),
  z.looseObject({ type: z.literal('any') }),
  z.looseObject({ type: z.literal('none') }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1) }),
]);

export const anthropicMessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(anthropicMessageSchema).min(1).max(ANTHROPIC_LIMITS.messages),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).max(ANTHROPIC_LIMITS.tools).optional(),
  tool_choice: toolChoice.optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).max(ANTHROPIC_LIMITS.stopSequences).optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().max(256).nullish() }).optional(),
});

export type AnthropicMessagesRequest = z.output<typeof anthropicMessagesRequestSchema>;
export type AnthropicMessage = z.output<typeof anthropicMessageSchema>;
