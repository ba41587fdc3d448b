import { api, queryString, type Page } from './api-client';

export interface ApiKey {
  id: string;
  name: string;
  /** The public part of the key (`strata_<prefix>_…`), safe to show and to search logs for. */
  prefix: string;
  principalType: 'user' | 'service_account';
  userId: string | null;
  serviceAccountId: string | null;
  roles: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  createdById: string | null;
}

export interface NewApiKey {
  name: string;
  serviceAccountId?: string;
  /** A membership id: a personal key of that member. */
  memberId?: string;
  roles: string[];
  expiresAt?: string;
}

export const apiKeysApi = {
  list: (cursor?: string, limit = 50) => api.get<Page<ApiKey>>(`/governance/api-keys${queryString({ limit, cursor })}`),
  /** The answer holds the key itself (`token`) this once; the API keeps only its hash. */
  create: (input: NewApiKey) => api.post<{ apiKey: ApiKey; token: string }>('/governance/api-keys', input),
  revoke: (id: string) => api.post<ApiKey>(`/governance/api-keys/${encodeURIComponent(id)}/revoke`, {}),
};

export type ApiKeyState = 'active' | 'revoked' | 'expired';

export function apiKeyState(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date = new Date()): ApiKeyState {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}
