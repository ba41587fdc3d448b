import { z } from 'zod';
import { ROLE_NAME } from '../policies/policy-rule';

export const rolesSchema = z.array(z.string().regex(ROLE_NAME, 'must be a role name such as admin')).max(20);

export const addMemberSchema = z.object({
  email: z.email().max(320),
  displayName: z.string().trim().min(1).max(200),
  roles: rolesSchema.min(1),
});

export const updateMemberSchema = z.object({ roles: rolesSchema });

export const createServiceAccountSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes'),
  description: z.string().max(1000).default(''),
  roles: rolesSchema.min(1),
});

export const updateServiceAccountSchema = z
  .object({ description: z.string().max(1000).optional(), roles: rolesSchema.optional(), disabled: z.boolean().optional() })
  .refine((value) => Object.values(value).some((field) => field !== undefined), 'nothing to change');

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  serviceAccountId: z.uuid().optional(),
  memberId: z.uuid().optional(),
  roles: rolesSchema.min(1),
  expiresAt: z.coerce.date().optional(),
});

export const purposeSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, e.g. fraud-review'),
  description: z.string().max(1000).default(''),
  requiresJustification: z.boolean().default(false),
});

export const updatePurposeSchema = z.object({
  description: z.string().max(1000).optional(),
  requiresJustification: z.boolean().optional(),
  archived: z.boolean().optional(),
});

export const oidcProviderSchema = z.object({
  issuer: z.url().max(500),
  audience: z.string().min(1).max(500),
  jwksUri: z.url().max(500).nullish(),
  algorithms: z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])).max(10).default([]),
  rolesClaim: z.string().min(1).max(100).default('roles'),
  roleMapping: z.record(z.string().max(200), rolesSchema).default({}),
  defaultRoles: rolesSchema.default([]),
  enabled: z.boolean().default(true),
});

export const policyPublishSchema = z.object({ rules: z.unknown(), comment: z.string().max(1000).default('') });

export const decisionQuerySchema = z.object({
  actorId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  subjectType: z.string().max(100).optional(),
  allowed: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

export const replaySchema = z.object({ policyVersion: z.number().int().min(0).optional() });
