import { api, createApiClient } from './api-client';
import type { RawRule } from '../app/permissions';

export interface WhoAmI {
  tenant: { id: string; slug: string; name: string };
  actor: { type: string; id: string; roles: string[] };
  purpose: string | null;
  policyVersion: number;
  /** The compiled rules that apply to the caller (CASL raw rules): what the pages use to hide actions. */
  rules: RawRule[];
}

export const governanceApi = {
  me: () => api.get<WhoAmI>('/governance/me'),
  /** Checks a key before keeping it: the API answers 401 for a wrong, expired or revoked one. */
  verifyKey: (apiKey: string) => createApiClient({ apiKey: () => apiKey }).get<WhoAmI>('/governance/me'),
};
