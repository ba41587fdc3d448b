import { anthropicDialect } from './fake-anthropic';
import { bedrockDialect } from './fake-bedrock';
import { geminiDialect } from './fake-gemini';
import { openAiDialect } from './fake-openai';
import { startFakeServer, type FakeDialect, type FakeProvider } from './fake-provider-server';
import type { FakeProviderKind } from './fake-reply';

const dialects: Record<FakeProviderKind, FakeDialect> = {
  openai: openAiDialect,
  anthropic: anthropicDialect,
  bedrock: bedrockDialect,
  gemini: geminiDialect,
};

/**
 * Starts a fake model provider on 127.0.0.1 (a free port) speaking the provider's real wire format
 * over HTTP. The OpenAI fake also serves OpenAI-compatible and Azure OpenAI paths. Tests script
 * replies per request (`script`) and read what was sent (`requests`); close it in `afterAll`.
 */
export function startFakeProvider(kind: FakeProviderKind): Promise<FakeProvider> {
  return startFakeServer(kind, dialects[kind]);
}
