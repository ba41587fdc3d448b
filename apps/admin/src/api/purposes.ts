import { api, queryString } from './api-client';

export interface Purpose {
  id: string;
  name: string;
  description: string;
  requiresJustification: boolean;
  createdAt: string;
  archivedAt: string | null;
}

export interface NewPurpose {
  name: string;
  description: string;
  requiresJustification: boolean;
}

export interface PurposeChanges {
  description?: string;
  requiresJustification?: boolean;
  archived?: boolean;
}

export const purposesApi = {
  list: (includeArchived: boolean) => api.get<Purpose[]>(`/governance/purposes${queryString({ includeArchived: includeArchived || undefined })}`),
  create: (input: NewPurpose) => api.post<Purpose>('/governance/purposes', input),
  update: (id: string, changes: PurposeChanges) => api.patch<Purpose>(`/governance/purposes/${encodeURIComponent(id)}`, changes),
};
