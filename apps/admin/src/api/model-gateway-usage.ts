import { api, queryString, type Page } from './api-client';

export const BUDGET_SCOPES = ['tenant', 'api_key', 'agent'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** Where a budget stands in its current period. Amounts in US dollars as exact decimal text. */
export interface BudgetStatus {
  periodStart: string;
  /** The current UTC minute's per-minute meters. */
  minute?: { start: string; resetsAt: string; requests: { used: number; reserved: number }; tokens: { used: number; reserved: number } };
  resetsAt: string;
  usedTokens: number;
  reservedTokens: number;
  usedCostUsd: string;
  reservedCostUsd: string;
}

export interface Budget {
  id: string;
  name: string;
  scope: BudgetScope;
  /** The API key or agent the budget applies to (null: the whole tenant). */
  scopeId: string | null;
  period: BudgetPeriod;
  tokenLimit: number | null;
  costLimitUsd: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  enabled: boolean;
  status: BudgetStatus | null;
  createdAt: string;
}

export interface NewBudget {
  name: string;
  scope: BudgetScope;
  scopeId?: string;
  period: BudgetPeriod;
  tokenLimit?: number;
  costLimitUsd?: string;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export const USAGE_GROUPS = ['model', 'day', 'alias', 'provider'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageSummaryRow {
  /** The model name, or the day (YYYY-MM-DD, UTC). */
  key: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  /** Calls that did not succeed, cancelled ones excepted. */
  errors?: number;
  /** Calls the caller went away from before they completed. */
  cancelled?: number;
}

export interface UsageSummary {
  groupBy: UsageGroup;
  from: string;
  to: string;
  rows: UsageSummaryRow[];
  totals?: Omit<UsageSummaryRow, 'key'>;
}

/** `cancelled`: the caller went away before the call completed (not an error). */
export const USAGE_OUTCOMES = ['success', 'error', 'blocked', 'budget_exceeded', 'rate_limited', 'cancelled'] as const;

export interface UsageRecord {
  id: string;
  at: string;
  actorType: string;
  actorId: string;
  agentId: string | null;
  operation: string;
  alias: string | null;
  providerId: string | null;
  providerKind: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  latencyMs: number;
  outcome: string;
  errorCode: string | null;
  attemptCount?: number;
  streamed?: boolean;
  traceId: string | null;
}

export interface UsageQuery {
  from?: string;
  to?: string;
  model?: string;
  alias?: string;
  outcome?: string;
  agentId?: string;
}

export const GUARDRAIL_KINDS = ['pii', 'secret', 'custom'] as const;
export type GuardrailKind = (typeof GUARDRAIL_KINDS)[number];
export const GUARDRAIL_ACTIONS = ['mask', 'block'] as const;
export type GuardrailAction = (typeof GUARDRAIL_ACTIONS)[number];

export interface Guardrail {
  id: string;
  name: string;
  kind: GuardrailKind;
  /** The built-in detector the rule configures (`email`, `aws_access_key`…), or null for a custom pattern. */
  detector: string | null;
  pattern: string | null;
  flags: string;
  action: GuardrailAction;
  /** The aliases whose prompts it screens; empty: all. */
  aliases: string[];
  enabled: boolean;
  createdAt: string;
}

/** A built-in detector and how this tenant has it (every detector is on, masking, until a rule says otherwise). */
export interface GuardrailDetector {
  id: string;
  kind: 'pii' | 'secret';
  description: string;
  enabled: boolean;
  action: GuardrailAction;
  aliases: string[];
  ruleId: string | null;
}

export interface NewGuardrail {
  name: string;
  kind?: GuardrailKind;
  detector?: string;
  pattern?: string;
  flags?: string;
  action: GuardrailAction;
  aliases?: string[];
  enabled?: boolean;
}

export interface GuardrailFinding {
  rule: string;
  kind: GuardrailKind;
  action: GuardrailAction;
  /** Where in the request (`messages[2].content`); never the matched text. */
  path?: string;
  count?: number;
}

export interface GuardrailTestResult {
  blocked: boolean;
  /** The text as it would leave for the provider (masked), or null when blocked. */
  text: string | null;
  findings: GuardrailFinding[];
}

const enc = encodeURIComponent;

export const budgetsApi = {
  list: (cursor?: string, limit = 100) => api.get<Page<Budget>>(`/model-gateway/budgets${queryString({ limit, cursor })}`),
  create: (input: NewBudget) => api.post<Budget>('/model-gateway/budgets', input),
  update: (id: string, changes: Partial<NewBudget> & { enabled?: boolean }) => api.patch<Budget>(`/model-gateway/budgets/${enc(id)}`, changes),
  remove: (id: string) => api.delete(`/model-gateway/budgets/${enc(id)}`),
};

export const usageApi = {
  summary: (groupBy: UsageGroup, from?: string, to?: string) => api.get<UsageSummary>(`/model-gateway/usage/summary${queryString({ groupBy, from, to })}`),
  records: (query: UsageQuery, cursor?: string, limit = 50) => api.get<Page<UsageRecord>>(`/model-gateway/usage/records${queryString({ ...query, cursor, limit })}`),
};

export const guardrailsApi = {
  list: (cursor?: string, limit = 100) => api.get<Page<Guardrail>>(`/model-gateway/guardrails${queryString({ limit, cursor })}`),
  create: (input: NewGuardrail) => api.post<Guardrail>('/model-gateway/guardrails', input),
  update: (id: string, changes: Partial<Omit<NewGuardrail, 'kind' | 'detector'>>) => api.patch<Guardrail>(`/model-gateway/guardrails/${enc(id)}`, changes),
  detectors: () => api.get<GuardrailDetector[]>('/model-gateway/guardrails/detectors'),
  remove: (id: string) => api.delete(`/model-gateway/guardrails/${enc(id)}`),
  test: (text: string) => api.post<GuardrailTestResult>('/model-gateway/guardrails/test', { text }),
};
