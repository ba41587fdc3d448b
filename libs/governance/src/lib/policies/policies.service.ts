import { Injectable } from '@nestjs/common';
import { subject as asSubject } from '@casl/ability';
import { RequestContextStore } from '@strata/kernel';
import { AuditLog } from '../audit/audit-log.service';
import { AuthorizationService } from '../authz/authorization.service';
import { InvalidPolicyError } from '../authz/authz.errors';
import { BUILT_IN_ROLES } from '../authz/built-in-roles';
import { compileAbility } from '../authz/compile-ability';
import { PermissionCatalog } from '../authz/permission-catalog';
import { MutationRunner } from '../http/mutation-runner';
import { NotFoundInTenantError } from '../identity/identity.errors';
import { PoliciesRepository, type StoredPolicy } from './policies.repository';
import { policyDocumentSchema, type PolicyRule } from './policy-rule';

/** A tenant's custom policy: versioned rules on top of the built-in roles, validated before they apply. */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly catalog: PermissionCatalog,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async current(): Promise<StoredPolicy> {
    await this.authorization.authorize('read', 'PolicyVersion');
    return (await this.policies.latest()) ?? { version: 0, rules: [], comment: 'no custom policy', createdAt: new Date(0), createdById: null };
  }

  async version(version: number): Promise<StoredPolicy> {
    await this.authorization.authorize('read', 'PolicyVersion');
    const policy = await this.policies.byVersion(version);
    if (!policy) throw new NotFoundInTenantError('policy_version', version);
    return policy;
  }

  async versions() {
    await this.authorization.authorize('read', 'PolicyVersion');
    return this.policies.list();
  }

  roles() {
    return BUILT_IN_ROLES.map((role) => ({ role, rules: this.catalog.builtInRules().filter((rule) => rule.roles.includes(role)) }));
  }

  /** Checks a document without saving it: schema, known subjects, and that CASL can compile every condition. */
  validate(document: unknown): PolicyRule[] {
    const parsed = policyDocumentSchema.safeParse(document);
    if (!parsed.success) {
      throw new InvalidPolicyError(
        'The policy is not valid.',
        parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
      );
    }
    const issues: Array<{ path: string; message: string }> = [];
    const known = this.catalog.knownSubjects();
    parsed.data.forEach((rule, index) => {
      for (const subjectName of [rule.subject].flat()) {
        if (subjectName !== 'all' && !known.has(subjectName)) issues.push({ path: `${index}.subject`, message: `unknown subject ${subjectName}` });
      }
      for (const problem of unsupportedComparisons(rule.conditions)) issues.push({ path: `${index}.conditions`, message: problem });
      try {
        const ability = compileAbility({
          principal: { type: 'user', id: 'validation', roles: rule.roles },
          tenantId: 'validation',
          purpose: rule.purposes?.[0] === '*' ? 'validation' : rule.purposes?.[0],
          builtInRules: [],
          customRules: [rule],
          classifiedSubjects: [],
        });
        // Conditions are parsed lazily: ask once per subject so a bad operator fails here, not at request time.
        for (const subjectName of [rule.subject].flat()) ability.can([rule.action].flat()[0] as string, asSubject(subjectName === 'all' ? 'Purpose' : subjectName, {}));
      } catch (error) {
        issues.push({ path: `${index}.conditions`, message: (error as Error).message });
      }
    });
    if (issues.length) throw new InvalidPolicyError('The policy is not valid.', issues);
    return parsed.data;
  }

  async publish(document: unknown, comment: string): Promise<StoredPolicy> {
    await this.authorization.authorize('update', 'PolicyVersion');
    const rules = this.validate(document);
    const published = await this.mutations.run('policy.publish', async (tx) => {
      // Serialises publishers of one tenant so versions never collide.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('strata.policy'), hashtext(${RequestContextStore.requireTenantId()}))`;
      const stored = await this.policies.append(rules, comment, tx);
      await this.audit.append(
        { action: 'policy.publish', outcome: 'success', target: { type: 'PolicyVersion', id: String(stored.version) }, details: { version: stored.version, rules: rules.length, comment } },
        tx,
      );
      return stored;
    });
    this.authorization.policyChanged(RequestContextStore.requireTenantId());
    return published;
  }
}

/**
 * Range operators on strings (timestamps in JSON) would compare differently in memory (CASL) and
 * in the database (Prisma), so a record check and a list filter could disagree: they are refused.
 */
function unsupportedComparisons(conditions: unknown, path = ''): string[] {
  if (!conditions || typeof conditions !== 'object') return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(conditions as Record<string, unknown>)) {
    if (['gt', 'gte', 'lt', 'lte'].includes(key) && typeof value !== 'number') {
      problems.push(`${path}${key} compares only numbers (timestamps and strings are not supported in policy conditions)`);
    }
    problems.push(...unsupportedComparisons(value, `${path}${key}.`));
  }
  return problems;
}
