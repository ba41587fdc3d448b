import { api, queryString, type Page } from './api-client';

export interface ServiceAccount {
  id: string;
  name: string;
  description: string;
  roles: string[];
  createdAt: string;
  disabledAt: string | null;
}

export interface NewServiceAccount {
  name: string;
  description: string;
  roles: string[];
}

export interface ServiceAccountChanges {
  description?: string;
  roles?: string[];
  disabled?: boolean;
}

export const serviceAccountsApi = {
  list: (cursor?: string, limit = 50) => api.get<Page<ServiceAccount>>(`/governance/service-accounts${queryString({ limit, cursor })}`),
  create: (input: NewServiceAccount) => api.post<ServiceAccount>('/governance/service-accounts', input),
  /** Fields the caller's policy does not allow are not applied: they come back in `droppedFields`. */
  update: (id: string, changes: ServiceAccountChanges) =>
    api.patch<ServiceAccount & { droppedFields: string[] }>(`/governance/service-accounts/${encodeURIComponent(id)}`, changes),
};
