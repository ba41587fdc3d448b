import { Injectable } from '@nestjs/common';
import { AuthorizationService, evaluate } from '../authz/authorization.service';
import { pageOf, type Page } from '../http/paging';
import { NotFoundInTenantError } from '../identity/identity.errors';
import { DecisionsRepository, type DecisionQuery } from './decisions.repository';

type Decision = NonNullable<Awaited<ReturnType<DecisionsRepository['find']>>>;

export interface ReplayResult {
  decisionId: string;
  original: { allowed: boolean; reason: string; policyVersion: number };
  replay: { allowed: boolean; reason: string; policyVersion: number };
  changed: boolean;
}

/** Stored authorization decisions, and their replay under the current or a named policy version. */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly decisions: DecisionsRepository,
    private readonly authorization: AuthorizationService,
  ) {}

  async list(query: DecisionQuery): Promise<Page<Decision>> {
    const where = await this.authorization.accessibleWhere('read', 'AuthorizationDecision');
    return pageOf(await this.decisions.list(query, where), query.limit);
  }

  async get(id: string): Promise<Decision> {
    const decision = await this.decisions.find(id);
    if (!decision) throw new NotFoundInTenantError('decision', id);
    await this.authorization.authorize('read', 'AuthorizationDecision', decision);
    return decision;
  }

  /**
   * Re-evaluates a past decision: the same principal (its roles then), purpose, action, record and
   * fields, under the current policy or `policyVersion` (0: built-in roles only).
   */
  async replay(id: string, policyVersion?: number): Promise<ReplayResult> {
    const decision = await this.get(id);
    await this.authorization.authorize('replay', 'AuthorizationDecision', decision);
    const { ability, policyVersion: used } = await this.authorization.compileFor(
      {
        tenantId: decision.tenantId,
        actor: { type: decision.actorType as 'user', id: decision.actorId, roles: decision.roles },
        purpose: decision.purpose ?? undefined,
      },
      policyVersion,
    );
    const inputs = decision.inputs as { record?: Record<string, unknown> | null; fields?: string[] | null };
    const outcome = evaluate(ability, decision.action, decision.subjectType, inputs.record ?? undefined, inputs.fields ?? undefined);
    return {
      decisionId: decision.id,
      original: { allowed: decision.allowed, reason: decision.reason, policyVersion: decision.policyVersion },
      replay: { allowed: outcome.allowed, reason: outcome.reason, policyVersion: used },
      changed: outcome.allowed !== decision.allowed,
    };
  }
}
