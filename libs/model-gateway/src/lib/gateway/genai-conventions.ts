import type { GenAiMessage, ModelCall } from '@strata/observability';
import type { ChatMessage, ChatResponse, ProviderKind } from '../providers/model-provider';
import type { ProviderEndpoint } from '../routing/tenant-catalog';

/** `gen_ai.provider.name` per provider kind (the conventions' well-known values where one exists). */
const PROVIDER_NAMES: Record<ProviderKind, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  bedrock: 'aws.bedrock',
  gemini: 'gcp.gemini',
  'openai-compatible': 'openai',
  local: 'strata.local',
};

/** The GenAI span's request attributes for a call to `endpoint` (server address and port when it has a base URL). */
export function modelCall(endpoint: ProviderEndpoint, model: string, extra: Partial<ModelCall> = {}): ModelCall {
  let server: Pick<ModelCall, 'serverAddress' | 'serverPort'> = {};
  if (endpoint.baseUrl) {
    try {
      const url = new URL(endpoint.baseUrl);
      server = { serverAddress: url.hostname, serverPort: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
    } catch {
      server = {};
    }
  }
  return { provider: PROVIDER_NAMES[endpoint.kind], model, ...server, ...extra };
}

/** Chat messages in the conventions' shape, for `gen_ai.input.messages` (system text goes separately). */
export function toGenAiMessages(messages: readonly ChatMessage[]): { messages: GenAiMessage[]; system?: string } {
  const out: GenAiMessage[] = [];
  const system: string[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        out.push({
          role: 'user',
          parts:
            typeof message.content === 'string'
              ? [{ type: 'text', content: message.content }]
              : message.content.map((part) => (part.type === 'text' ? { type: 'text' as const, content: part.text } : { type: 'text' as const, content: '[image]' })),
        });
        break;
      case 'assistant':
        out.push({
          role: 'assistant',
          parts: [
            ...(message.content ? [{ type: 'text' as const, content: message.content }] : []),
            ...(message.toolCalls ?? []).map((call) => ({ type: 'tool_call' as const, id: call.id, name: call.name, arguments: call.arguments })),
          ],
        });
        break;
      case 'tool':
        out.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: message.toolCallId, response: message.content }] });
        break;
    }
  }
  return { messages: out, system: system.length ? system.join('\n\n') : undefined };
}

export function toGenAiOutput(response: Pick<ChatResponse, 'text' | 'toolCalls' | 'finishReason'>): GenAiMessage[] {
  return [
    {
      role: 'assistant',
      parts: [
        ...(response.text ? [{ type: 'text' as const, content: response.text }] : []),
        ...response.toolCalls.map((call) => ({ type: 'tool_call' as const, id: call.id, name: call.name, arguments: call.arguments })),
      ],
      finish_reason: response.finishReason,
    },
  ];
}
