import { Injectable } from '@nestjs/common';
import { subject as asSubject } from '@casl/ability';
import { accessibleBy } from '@casl/prisma/runtime';
import { RequestContextStore, type RequestContext } from '@strata/kernel';
import { DecisionsRepository } from '../decisions/decisions.repository';
import { PoliciesRepository } from '../policies/policies.repository';
import { PermissionDeniedError } from './authz.errors';
import { compileAbility, type StrataAbility } from './compile-ability';
import { PermissionCatalog } from './permission-catalog';
import { PolicyCache } from './policy-cache';

export interface AuthorizeOptions {
  /** Fields the operation reads or writes; each must be permitted. */
  fields?: string[];
  /** Record the decision even for a read (reads of sensitive data). Mutations are always recorded. */
  sensitive?: boolean;
}

export interface CompiledAbility {
  ability: StrataAbility;
  policyVersion: number;
}

/** Fields never copied into a decision record. */
const SECRET_FIELDS = new Set(['secretHash', 'secret', 'password', 'token']);

/**
 * The one place domain code asks "may the current principal do this to this record?". Checks are
 * made on the specific record (never on the type alone, CASL's known pitfall), decisions that
 * guard a mutation or a sensitive read are stored with their inputs so they can be replayed, and
 * list queries get the same rules as a database filter.
 */
@Injectable()
export class AuthorizationService {
  private readonly perRequest = new WeakMap<Readonly<RequestContext>, Promise<CompiledAbility>>();
  /** Latest policies and compiled abilities across requests (see PolicyCache for the staleness bound). */
  private readonly cache = new PolicyCache();

  constructor(
    private readonly catalog: PermissionCatalog,
    private readonly policies: PoliciesRepository,
    private readonly decisions: DecisionsRepository,
  ) {}

  /** The current principal's ability under the tenant's current policy (compiled once per request). */
  ability(): Promise<CompiledAbility> {
    const context = RequestContextStore.require();
    let compiled = this.perRequest.get(context);
    if (!compiled) {
      compiled = this.compileFor(context, undefined);
      this.perRequest.set(context, compiled);
    }
    return compiled;
  }

  /** Compiles an ability for a principal under the current or a named policy version (replay). */
  async compileFor(
    context: Pick<RequestContext, 'tenantId' | 'actor' | 'purpose'>,
    policyVersion: number | undefined,
  ): Promise<CompiledAbility> {
    const tenantId = context.tenantId;
    const actor = context.actor;
    if (!tenantId || !actor) throw new PermissionDeniedError('act', 'anything', 'the request is not authenticated');
    const nowMs = Date.now();
    const policy =
      policyVersion === undefined
        ? await this.cache.latest(tenantId, nowMs, () => this.policies.latest(tenantId))
        : await this.policies.byVersion(policyVersion, tenantId);
    if (policyVersion !== undefined && policyVersion !== 0 && !policy) {
      throw new PermissionDeniedError('replay', 'policy', `policy version ${policyVersion} does not exist`);
    }
    const builtInRules = this.catalog.builtInRules();
    const compile = () =>
      compileAbility({
        principal: { type: actor.type, id: actor.id, roles: actor.roles ?? [] },
        tenantId,
        purpose: context.purpose,
        builtInRules,
        customRules: policy?.rules ?? [],
        classifiedSubjects: this.catalog.classifiedSubjects(),
      });
    // Everything the ability depends on is in the key (the rule count catches subjects registered late).
    const key = [tenantId, policy?.version ?? 0, builtInRules.length, actor.type, actor.id, [...(actor.roles ?? [])].sort().join(','), context.purpose ?? ''].join('|');
    const ability = policyVersion === undefined ? this.cache.ability(key, nowMs, compile) : compile();
    return { ability, policyVersion: policy?.version ?? 0 };
  }

  /** A tenant published a policy: requests from now on (on this node) are checked under it. */
  policyChanged(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }

  /** Throws 403 unless allowed; stores the decision for mutations and sensitive reads. */
  async authorize(action: string, subjectType: string, record?: Record<string, unknown>, options: AuthorizeOptions = {}): Promise<void> {
    const { ability, policyVersion } = await this.ability();
    const outcome = evaluate(ability, action, subjectType, record, options.fields);
    if (action !== 'read' || options.sensitive || !outcome.allowed) {
      const roles = RequestContextStore.require().actor?.roles ?? [];
      await this.decisions.record({
        action,
        subjectType,
        subjectId: typeof record?.['id'] === 'string' ? record['id'] : undefined,
        roles,
        policyVersion,
        inputs: { record: record ? sanitize(record) : null, fields: options.fields ?? null },
        allowed: outcome.allowed,
        reason: outcome.reason,
      });
    }
    if (!outcome.allowed) throw new PermissionDeniedError(action, subjectType, outcome.reason);
  }

  /**
   * The route-level gate: may the principal `action` some `subjectType` at all? Passing is not
   * stored (the service's record-level check is the decision); a refusal is stored and thrown.
   */
  async gate(action: string, subjectType: string): Promise<void> {
    const { ability, policyVersion } = await this.ability();
    if (ability.can(action, subjectType)) return;
    const reason = `none of the caller's roles allows ${action} on ${subjectType}`;
    await this.decisions.record({
      action,
      subjectType,
      roles: RequestContextStore.require().actor?.roles ?? [],
      policyVersion,
      inputs: { record: null, fields: null },
      allowed: false,
      reason,
    });
    throw new PermissionDeniedError(action, subjectType, reason);
  }

  /** Type-level question without a record (UI hints); never stored. */
  async can(action: string, subjectType: string, record?: Record<string, unknown>, field?: string): Promise<boolean> {
    const { ability } = await this.ability();
    return record ? ability.can(action, asSubject(subjectType, record), field) : ability.can(action, subjectType, field);
  }

  /** The rules for `action` on `subjectType` as a Prisma where-clause, to AND into list queries. */
  async accessibleWhere(action: string, subjectType: string): Promise<Record<string, unknown>> {
    const { ability } = await this.ability();
    // Nothing allowed: a filter that matches no row (rather than accessibleBy's exception).
    if (!ability.can(action, subjectType)) return { id: { in: [] } };
    return accessibleBy(ability as never, action as never).ofType(subjectType as never) as Record<string, unknown>;
  }

  /** Keeps the fields of `input` the principal may write on `record`; returns what it dropped. */
  async permittedInput<T extends Record<string, unknown>>(
    action: string,
    subjectType: string,
    record: Record<string, unknown>,
    input: T,
  ): Promise<{ input: Partial<T>; dropped: string[] }> {
    const { ability } = await this.ability();
    const kept: Partial<T> = {};
    const dropped: string[] = [];
    for (const [field, value] of Object.entries(input)) {
      if (value === undefined) continue;
      if (ability.can(action, asSubject(subjectType, { ...record, ...input }), field)) (kept as Record<string, unknown>)[field] = value;
      else dropped.push(field);
    }
    return { input: kept, dropped };
  }
}

export function evaluate(
  ability: StrataAbility,
  action: string,
  subjectType: string,
  record: Record<string, unknown> | undefined,
  fields: string[] | undefined,
): { allowed: boolean; reason: string } {
  const target = record ? asSubject(subjectType, { ...record }) : subjectType;
  for (const field of fields?.length ? fields : [undefined]) {
    if (!ability.can(action, target, field)) {
      const rule = ability.relevantRuleFor(action, target, field);
      const reason =
        rule?.inverted && rule.reason
          ? rule.reason
          : field
            ? `no rule allows ${action} of field ${field}`
            : `no rule of the principal's roles allows ${action} on ${subjectType}`;
      return { allowed: false, reason };
    }
  }
  const rule = ability.relevantRuleFor(action, target);
  return { allowed: true, reason: rule?.reason ?? `allowed by a rule for ${rule?.action ?? action} on ${String(rule?.subject ?? subjectType)}` };
}

function sanitize(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (SECRET_FIELDS.has(key)) continue;
    if (value instanceof Date) out[key] = value.toISOString();
    else if (typeof value === 'bigint') out[key] = value.toString();
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value) || Array.isArray(value)) out[key] = value;
  }
  return out;
}
