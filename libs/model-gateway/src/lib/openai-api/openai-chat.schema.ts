import { z } from 'zod';

/**
 * The OpenAI Chat Completions request body, as far as the gateway understands it. Objects are loose:
 * fields we do not translate (seed, logprobs, metadata...) are accepted and, on the passthrough
 * path, forwarded untouched; fields whose meaning we cannot honour when translating (n > 1,
 * audio) are refused with the field's path.
 */

/** Limits of one request; the body-size limit (STRATA_BODY_LIMIT) applies before these. */
export const OPENAI_LIMITS = { messages: 2048, tools: 128, stop: 4, toolName: 64 } as const;

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });

/** https:, http: or a base64 data: URL of an image. */
const imageUrl = z
  .string()
  .refine((url) => /^https?:\/\//i.test(url) || /^data:image\/[a-z0-9.+-]+;base64,/i.test(url), {
    message: 'must be an http(s) URL or a data:image/...;base64, URL',
  });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: imageUrl, detail: z.enum(['auto', 'low', 'high']).optional() }),
});

const textContent = z.union([z.string(), z.array(textPart)]);

const systemMessage = z.looseObject({ role: z.enum(['system', 'developer']), content: textContent, name: z.string().optional() });
const userMessage = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart]))]),
  name: z.string().optional(),
});
const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});
const assistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: textContent.nullish(),
  tool_calls: z.array(toolCall).optional(),
  name: z.string().optional(),
});
const toolMessage = z.looseObject({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContent });

export const openAiMessageSchema = z.discriminatedUnion('role', [systemMessage, userMessage, assistantMessage, toolMessage]);

/**
 * A tool's parameters: a JSON Schema of an object. Checked for the shape providers require
 * (`type: "object"`, `properties` an object of schemas, `required` a list of names) so a broken
 * schema is a 400 naming the field here, not a provider error later.
 */
export const toolParametersSchema = z.looseObject({
  type: z.literal('object', { message: 'must be "object": tool parameters are a JSON Schema of an object' }).optional(),
  properties: z.record(z.string(), z.record(z.string(), z.unknown(), { message: 'each property must be a JSON Schema object' })).optional(),
  required: z.array(z.string()).optional(),
});

const toolName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]+$/, { message: 'may contain only letters, digits, _ and -' })
  .min(1)
  .max(OPENAI_LIMITS.toolName);

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: toolName,
    description: z.string().optional(),
    parameters: toolParametersSchema.optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: toolName }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().regex(/^[a-zA-Z0-9_-]+$/, { message: 'may contain only letters, digits, _ and -' }).min(1).max(64),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const openAiChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(openAiMessageSchema).min(1).max(OPENAI_LIMITS.messages),
  tools: z.array(tool).max(OPENAI_LIMITS.tools).optional(),
  tool_choice: toolChoice.optional(),
  response_format: responseFormat.optional(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(OPENAI_LIMITS.stop)]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.literal(1, { message: 'only n=1 is supported' }).nullish(),
  user: z.string().max(256).optional(),
});

export type OpenAiChatRequest = z.output<typeof openAiChatRequestSchema>;
export type OpenAiMessage = z.output<typeof openAiMessageSchema>;

export const openAiEmbeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)], {
    message: 'must be a string or a list of strings (token arrays are not supported)',
  }),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().max(256).optional(),
});

export type OpenAiEmbeddingRequest = z.output<typeof openAiEmbeddingRequestSchema>;
