/**
 * Configures the benchmark tenant through Strata's own REST API, as an operator would: the mock as
 * an OpenAI-compatible provider (twice: `/v1` and the pausing `/slow/v1`), its model in the
 * catalog with prices, aliases `bench` and `bench-slow`, and budgets (tenant and per key, every
 * limit set, far above what the run uses) so reservation and settlement run on every request. The
 * requests then use a dedicated service-account key, not the owner's.
 */
export interface StrataBenchSetup {
  /** The key the load uses (service account `bench`, role builder). */
  apiKey: string;
  apiKeyId: string;
}

async function call<T>(base: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 2000)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function setUpStrata(base: string, ownerKey: string, mockUrl: string, options: { budgets: boolean } = { budgets: true }): Promise<StrataBenchSetup> {
  for (const [name, path] of [
    ['mock', '/v1'],
    ['mock-slow', '/slow/v1'],
  ] as const) {
    const provider = await call<{ id: string }>(base, ownerKey, 'POST', '/model-gateway/providers', {
      name,
      kind: 'openai-compatible',
      baseUrl: `${mockUrl}${path}`,
      credentials: { type: 'api-key', apiKey: 'mock-upstream-key' },
    });
    await call(base, ownerKey, 'POST', '/model-gateway/models', {
      providerId: provider.id,
      providerModelId: 'mock-model',
      operation: 'chat',
      capabilities: { tools: true, structuredOutput: true, streaming: true },
      contextWindow: 128_000,
      inputPricePerMTok: '0.15',
      outputPricePerMTok: '0.60',
    });
    await call(base, ownerKey, 'POST', '/model-gateway/aliases', {
      name: name === 'mock' ? 'bench' : 'bench-slow',
      operation: 'chat',
      targets: [{ model: `${name}/mock-model` }],
    });
  }

  const account = await call<{ id: string }>(base, ownerKey, 'POST', '/governance/service-accounts', { name: 'bench', roles: ['builder'] });
  const created = await call<{ apiKey: { id: string }; token: string }>(base, ownerKey, 'POST', '/governance/api-keys', {
    name: 'bench',
    serviceAccountId: account.id,
    roles: ['builder'],
  });

  if (!options.budgets) return { apiKey: created.token, apiKeyId: created.apiKey.id };
  const limits = { tokenLimit: 1_000_000_000_000, costLimitUsd: '100000000', requestsPerMinute: 1_000_000_000, tokensPerMinute: 1_000_000_000_000 };
  await call(base, ownerKey, 'POST', '/model-gateway/budgets', { name: 'bench tenant', scope: 'tenant', period: 'day', ...limits });
  await call(base, ownerKey, 'POST', '/model-gateway/budgets', { name: 'bench key', scope: 'api_key', scopeId: created.apiKey.id, period: 'day', ...limits });
  return { apiKey: created.token, apiKeyId: created.apiKey.id };
}

/** Requests accounted by the usage writer (after it flushed), to show that accounting was on. */
export async function accountedRequests(base: string, ownerKey: string): Promise<string> {
  try {
    const summary = await call<unknown>(base, ownerKey, 'GET', '/model-gateway/usage/summary');
    return JSON.stringify(summary).slice(0, 600);
  } catch (error) {
    return `usage summary unavailable: ${(error as Error).message.slice(0, 300)}`;
  }
}
