import { LocalEmbeddingProvider } from '../local-embeddings/local-embedding-provider';
import { AnthropicProvider } from './anthropic-provider';
import { BedrockProvider } from './bedrock-provider';
import { GeminiProvider } from './gemini-provider';
import type { ModelProvider, ProviderEndpointConfig } from './model-provider';
import { OpenAiProvider } from './openai-provider';

/** One adapter (and so one SDK client with its keep-alive connections) per config object. */
const adapters = new WeakMap<ProviderEndpointConfig, ModelProvider>();
let localProvider: LocalEmbeddingProvider | undefined;

/**
 * The adapter for a provider endpoint. Building one creates the SDK client; keep the adapter for
 * as long as the endpoint's config (credentials included) is unchanged, and build a new one after.
 * Calling this again with the same config object returns the same adapter.
 */
export function createModelProvider(config: ProviderEndpointConfig): ModelProvider {
  const cached = adapters.get(config);
  if (cached) return cached;
  const adapter = build(config);
  adapters.set(config, adapter);
  return adapter;
}

function build(config: ProviderEndpointConfig): ModelProvider {
  switch (config.kind) {
    case 'openai':
    case 'openai-compatible':
      return new OpenAiProvider(config);
    case 'anthropic':
      return new AnthropicProvider(config);
    case 'bedrock':
      return new BedrockProvider(config);
    case 'gemini':
      return new GeminiProvider(config);
    case 'local':
      return (localProvider ??= new LocalEmbeddingProvider());
  }
}
