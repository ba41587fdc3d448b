import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

export interface DecisionInput {
  action: string;
  subjectType: string;
  subjectId?: string;
  roles: readonly string[];
  policyVersion: number;
  inputs: Record<string, unknown>;
  allowed: boolean;
  reason: string;
}

export interface DecisionQuery {
  actorId?: string;
  action?: string;
  subjectType?: string;
  allowed?: boolean;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** The only code that touches `authorization_decision`. */
@Injectable()
export class DecisionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(input: DecisionInput): Promise<string> {
    const context = RequestContextStore.require();
    const id = newId();
    await this.prisma.authorizationDecision.create({
      data: {
        id,
        tenantId: RequestContextStore.requireTenantId(),
        actorType: context.actor?.type ?? 'system',
        actorId: context.actor?.id ?? 'unknown',
        onBehalfOfType: context.onBehalfOf?.type ?? null,
        onBehalfOfId: context.onBehalfOf?.id ?? null,
        roles: [...input.roles],
        action: input.action,
        subjectType: input.subjectType,
        subjectId: input.subjectId ?? null,
        purpose: context.purpose ?? null,
        justification: context.justification ?? null,
        policyVersion: input.policyVersion,
        inputs: input.inputs as Prisma.InputJsonValue,
        allowed: input.allowed,
        reason: input.reason,
        requestId: context.requestId,
        traceId: context.traceId ?? null,
      },
    });
    return id;
  }

  async find(id: string) {
    return this.prisma.authorizationDecision.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  async list(query: DecisionQuery, where: Prisma.AuthorizationDecisionWhereInput) {
    const tenantId = RequestContextStore.requireTenantId();
    return this.prisma.authorizationDecision.findMany({
      where: {
        AND: [
          where,
          {
            tenantId,
            ...(query.actorId ? { actorId: query.actorId } : {}),
            ...(query.action ? { action: query.action } : {}),
            ...(query.subjectType ? { subjectType: query.subjectType } : {}),
            ...(query.allowed === undefined ? {} : { allowed: query.allowed }),
            ...(query.from || query.to ? { createdAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
            ...(query.cursor ? { id: { lt: query.cursor } } : {}),
          },
        ],
      },
      orderBy: { id: 'desc' },
      take: query.limit,
    });
  }
}
