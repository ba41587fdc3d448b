import { api, queryString, type Page } from './api-client';

export interface Member {
  /** The membership id (what PATCH and DELETE take). */
  id: string;
  userId: string;
  roles: string[];
  createdAt: string;
  updatedAt: string;
  user: { id: string; email: string | null; displayName: string; disabledAt: string | null };
}

export interface NewMember {
  email: string;
  displayName: string;
  roles: string[];
}

export const membersApi = {
  list: (cursor?: string, limit = 50) => api.get<Page<Member>>(`/governance/members${queryString({ limit, cursor })}`),
  add: (input: NewMember) => api.post<Member>('/governance/members', input),
  updateRoles: (id: string, roles: string[]) => api.patch<Member>(`/governance/members/${encodeURIComponent(id)}`, { roles }),
  remove: (id: string) => api.delete(`/governance/members/${encodeURIComponent(id)}`),
};
