import { ProviderError } from './provider-error';

/**
 * The tool forced on providers without a JSON-object mode (Anthropic, Bedrock) when a request
 * asks for `json_object` output: its input is the answer, returned as the response text.
 */
export const JSON_RESPONSE_TOOL = 'json_response';

/** A tool call's arguments as an object, for providers that take them structured. */
export function parseToolArguments(provider: string, text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ProviderError('invalid_request', `${provider}: a tool call's arguments in the conversation are not a JSON object`);
}
