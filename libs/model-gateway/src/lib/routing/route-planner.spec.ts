import { describe, expect, it } from 'vitest';
import { planRoute, type RouteRequest } from './route-planner';
import { testAlias, testCatalog, testModel, testProvider } from './routing-test-catalog';

const openai = testProvider('openai');
const anthropic = testProvider('anthropic', { kind: 'anthropic' });
const mini = testModel(openai, 'gpt-mini', { contextWindow: 8_000, capabilities: { tools: true, vision: false, structuredOutput: true, streaming: true } });
const big = testModel(anthropic, 'claude', { contextWindow: 200_000, capabilities: { tools: true, vision: true, structuredOutput: false, streaming: true } });
const embed = testModel(openai, 'text-embedding-3-small', { operation: 'embeddings', contextWindow: 8_191 });
const fast = testAlias('fast', ['openai/gpt-mini', 'anthropic/claude'], { taskClasses: ['summarize'] });
const catalog = testCatalog([mini, big, embed], [fast, testAlias('secret', ['anthropic/claude'], { zeroDataRetention: true })]);
const ordering = { random: Math.random, latencyOf: () => undefined };
const chat = (patch: Partial<RouteRequest>): RouteRequest => ({
  operation: 'chat',
  needs: { tools: false, vision: false, structuredOutput: false, streaming: false },
  promptTokens: 100,
  ...patch,
});

function failure(fn: () => unknown): { code: string; kind: string; message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a failure');
}

describe('planRoute', () => {
  it('resolves an alias to its targets, a catalog model to itself, and a task class to its alias', () => {
    expect(planRoute(catalog, chat({ model: 'fast' }), ordering).candidates.map((entry) => entry.name)).toEqual(['openai/gpt-mini', 'anthropic/claude']);
    expect(planRoute(catalog, chat({ model: 'fast' }), ordering).alias?.name).toBe('fast');
    const direct = planRoute(catalog, chat({ model: 'anthropic/claude' }), ordering);
    expect(direct.alias).toBeUndefined();
    expect(direct.candidates.map((entry) => entry.name)).toEqual(['anthropic/claude']);
    expect(planRoute(catalog, chat({ taskClass: 'summarize' }), ordering).alias?.name).toBe('fast');
  });

  it('answers an unknown name with 404 model-gateway.unknown_model naming what is available', () => {
    const error = failure(() => planRoute(catalog, chat({ model: 'fastest' }), ordering));
    expect(error.code).toBe('model-gateway.unknown_model');
    expect(error.kind).toBe('not_found');
    expect(error.message).toContain('fast');
    expect(error.message).toContain('openai/gpt-mini');
    expect(error.details['available']).toEqual({ aliases: ['fast', 'secret'], models: ['openai/gpt-mini', 'anthropic/claude'] });
    const unknownClass = failure(() => planRoute(catalog, chat({ taskClass: 'translate' }), ordering));
    expect(unknownClass.code).toBe('model-gateway.unknown_model');
    expect(unknownClass.message).toContain('summarize');
  });

  it('asks to configure a provider when the tenant has no chat model at all', () => {
    const error = failure(() => planRoute(testCatalog([embed], []), chat({ model: 'fast' }), ordering));
    expect(error.code).toBe('model-gateway.no_provider_configured');
    expect(error.message).toContain('Models → Providers');
    expect(error.message).toContain('POST /model-gateway/providers');
  });

  it('routes embeddings without a provider to the built-in local model through embedding-default', () => {
    const plan = planRoute(testCatalog([], []), { operation: 'embeddings', needs: chat({}).needs, promptTokens: 10 }, ordering);
    expect(plan.alias?.name).toBe('embedding-default');
    expect(plan.candidates[0].provider.kind).toBe('local');
  });

  it('drops candidates lacking a needed capability or too small a context window', () => {
    const vision = planRoute(catalog, chat({ model: 'fast', needs: { tools: false, vision: true, structuredOutput: false, streaming: false } }), ordering);
    expect(vision.candidates.map((entry) => entry.name)).toEqual(['anthropic/claude']);
    expect(vision.skipped).toEqual([{ model: 'openai/gpt-mini', reason: 'vision' }]);
    const long = planRoute(catalog, chat({ model: 'fast', promptTokens: 7_000, maxOutputTokens: 2_000 }), ordering);
    expect(long.candidates.map((entry) => entry.name)).toEqual(['anthropic/claude']);
    expect(long.skipped).toEqual([{ model: 'openai/gpt-mini', reason: 'context_window' }]);
    const tooLong = failure(() => planRoute(catalog, chat({ model: 'fast', promptTokens: 300_000 }), ordering));
    expect(tooLong.code).toBe('model-gateway.context_window_exceeded');
    const impossible = failure(() => planRoute(catalog, chat({ model: 'anthropic/claude', needs: { tools: false, vision: false, structuredOutput: true, streaming: false } }), ordering));
    expect(impossible.code).toBe('model-gateway.no_capable_model');
  });

  it('applies zero data retention from the alias flag or the tenant setting', () => {
    expect(planRoute(catalog, chat({ model: 'fast' }), ordering).zeroDataRetention).toBe(false);
    expect(planRoute(catalog, chat({ model: 'secret' }), ordering).zeroDataRetention).toBe(true);
    const zdrTenant = testCatalog([mini, big], [fast], { zeroDataRetention: true });
    expect(planRoute(zdrTenant, chat({ model: 'fast' }), ordering).zeroDataRetention).toBe(true);
  });

  it('refuses an embeddings alias for chat and uses the default chat alias when none is named', () => {
    expect(failure(() => planRoute(catalog, chat({ model: 'embedding-default' }), ordering)).code).toBe('model-gateway.wrong_operation');
    expect(failure(() => planRoute(catalog, chat({}), ordering)).code).toBe('model-gateway.model_required');
    const withDefault = testCatalog([mini, big], [fast], { defaultChatAlias: 'fast' });
    expect(planRoute(withDefault, chat({}), ordering).alias?.name).toBe('fast');
  });
});
