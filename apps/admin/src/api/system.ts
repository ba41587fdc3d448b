import { api } from './api-client';

export interface SystemStatus {
  version: string;
  node: string;
  startedAt: string;
  uptimeSeconds: number;
  instance: { id: string; createdAt: string; createdByVersion: string } | null;
  database: {
    mode: 'embedded' | 'server';
    healthy: boolean;
    latencyMs: number;
    migrations: { applied: number; pending: number; failed: number; upToDate: boolean; latest: string | null };
  };
}

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'ok' | 'failing'; [detail: string]: unknown }>;
}

export const systemApi = {
  status: () => api.get<SystemStatus>('/system/status'),
  // 503 is an answer here, not a failure: it says which check fails.
  readiness: () => api.get<Readiness>('/health/ready', [503]),
};
