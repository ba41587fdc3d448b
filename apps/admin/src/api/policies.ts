import { api } from './api-client';
import type { RawRule } from '../app/permissions';

/** One rule of a tenant policy, as stored (the API's `policyRuleSchema`). */
export interface PolicyRule extends RawRule {
  roles: string[];
  purposes?: string[];
}

export interface BuiltInRole {
  role: string;
  rules: PolicyRule[];
}

export interface PolicyVersion {
  version: number;
  rules: PolicyRule[];
  comment: string;
  createdAt: string;
  createdById: string | null;
}

export type PolicyVersionSummary = Omit<PolicyVersion, 'rules'> & { ruleCount: number };

export const policiesApi = {
  roles: () => api.get<BuiltInRole[]>('/governance/roles'),
  /** Version 0 (no rules) when the tenant never published one. */
  current: () => api.get<PolicyVersion>('/governance/policies/current'),
  versions: () => api.get<PolicyVersionSummary[]>('/governance/policies'),
  version: (version: number) => api.get<PolicyVersion>(`/governance/policies/${version}`),
  /** Answers 400 `governance.invalid_policy` with `details.issues` (paths such as `0.subject`) when a rule is wrong. */
  validate: (rules: unknown, comment: string) => api.post<{ valid: true; rules: PolicyRule[] }>('/governance/policies/validate', { rules, comment }),
  publish: (rules: unknown, comment: string) => api.put<PolicyVersion>('/governance/policies', { rules, comment }),
};
