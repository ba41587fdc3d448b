import type { GatewayChatRequest } from '../gateway/gateway.contract';
import type { ChatMessage, ChatResponse, ContentPart, FinishReason, ToolChoice, Usage } from '../providers/model-provider';
import type { AnthropicMessage, AnthropicMessagesRequest } from './anthropic-messages.schema';

/** An Anthropic Messages body (validated) → the gateway's own request. */
export function fromAnthropicRequest(body: AnthropicMessagesRequest): Omit<GatewayChatRequest, 'apiKeyId' | 'signal'> {
  const messages: ChatMessage[] = [];
  const system = typeof body.system === 'string' ? body.system : body.system?.map((block) => block.text).join('\n');
  if (system) messages.push({ role: 'system', content: system });
  for (const message of body.messages) messages.push(...fromAnthropicMessage(message));
  return {
    model: body.model,
    messages,
    maxOutputTokens: body.max_tokens,
    ...(body.tools?.length
      ? {
          tools: body.tools.map((tool) => ({
            name: tool.name,
            ...(tool.description === undefined ? {} : { description: tool.description }),
            parameters: tool.input_schema,
          })),
        }
      : {}),
    ...(body.tool_choice ? { toolChoice: fromAnthropicToolChoice(body.tool_choice) } : {}),
    ...(body.temperature === undefined ? {} : { temperature: body.temperature }),
    ...(body.top_p === undefined ? {} : { topP: body.top_p }),
    ...(body.stop_sequences?.length ? { stop: body.stop_sequences } : {}),
    ...(body.metadata?.user_id ? { user: body.metadata.user_id } : {}),
  };
}

function fromAnthropicToolChoice(choice: NonNullable<AnthropicMessagesRequest['tool_choice']>): ToolChoice {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { name: choice.name };
    default:
      return choice.type;
  }
}

/**
 * One Anthropic message may become several gateway messages: the results of tool calls, which
 * Anthropic carries as blocks of a user turn, are `tool` messages of their own (first, in order,
 * as the provider formats expect them right after the assistant's calls).
 */
function fromAnthropicMessage(message: AnthropicMessage): ChatMessage[] {
  if (typeof message.content === 'string') {
    return [message.role === 'user' ? { role: 'user', content: message.content } : { role: 'assistant', content: message.content }];
  }
  if (message.role === 'assistant') {
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    const toolCalls = message.content.flatMap((block) =>
      block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: JSON.stringify(block.input) }] : [],
    );
    return [{ role: 'assistant', content: text || (toolCalls.length ? null : ''), ...(toolCalls.length ? { toolCalls } : {}) }];
  }
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') {
      const content =
        typeof block.content === 'string' ? block.content : (block.content ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
      out.push({ role: 'tool', toolCallId: block.tool_use_id, content: block.is_error ? `Error: ${content}` : content });
    } else if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') {
      parts.push(
        block.source.type === 'base64'
          ? { type: 'image', mediaType: block.source.media_type, data: block.source.data }
          : { type: 'image', url: block.source.url },
      );
    }
    // tool_use in a user turn is not valid Anthropic input; the provider would refuse it too.
  }
  if (parts.length) out.push({ role: 'user', content: parts.every((part) => part.type === 'text') ? parts.map((part) => (part as { text: string }).text).join('') : parts });
  return out;
}

// ---- responses ----

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export function toAnthropicStopReason(reason: FinishReason): AnthropicStopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export function toAnthropicUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: usage.cachedInputTokens ?? null,
  };
}

/**
 * A tool call's arguments as the object Anthropic's `input` must be. A model may produce text that
 * is not a JSON object; it is then kept under `_raw` rather than dropped.
 */
export function toolInput(argumentsText: string): Record<string, unknown> {
  if (!argumentsText.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { _raw: argumentsText };
  } catch {
    return { _raw: argumentsText };
  }
}

/** The gateway's response → an Anthropic `message` object. */
export function toAnthropicMessage(response: ChatResponse) {
  return {
    id: response.id,
    type: 'message' as const,
    role: 'assistant' as const,
    model: response.model,
    content: [
      ...(response.text ? [{ type: 'text' as const, text: response.text }] : []),
      ...response.toolCalls.map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: toolInput(call.arguments) })),
    ],
    stop_reason: toAnthropicStopReason(response.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage),
  };
}
