import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

export type ChangeKind = 'created' | 'updated' | 'deleted' | 'restored';

export interface HistoryEntryInput {
  objectId: string;
  typeApiName: string;
  version: number;
  changeKind: ChangeKind;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changedProperties: string[];
  actionId?: string;
  actionTypeApiName?: string;
  occurredAt: Date;
}

/** One change of an object as GET /ontology/objects/:id/history returns it. */
export interface HistoryEntryView {
  id: string;
  objectId: string;
  typeApiName: string;
  version: number;
  changeKind: ChangeKind;
  before: unknown;
  after: unknown;
  changedProperties: string[];
  actor: { type: string; id: string };
  onBehalfOf: { type: string; id: string } | null;
  actionId: string | null;
  actionTypeApiName: string | null;
  requestId: string | null;
  occurredAt: Date;
}

/** The only code that touches `ontology_object_history`. */
@Injectable()
export class HistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async append(entry: HistoryEntryInput, tx: Prisma.TransactionClient): Promise<void> {
    const context = RequestContextStore.require();
    const actor = context.actor ?? { type: 'system', id: 'unknown' };
    await tx.ontologyObjectHistory.create({
      data: {
        id: newId(),
        tenantId: RequestContextStore.requireTenantId(),
        objectId: entry.objectId,
        typeApiName: entry.typeApiName,
        version: entry.version,
        changeKind: entry.changeKind,
        before: (entry.before ?? undefined) as Prisma.InputJsonValue | undefined,
        after: (entry.after ?? undefined) as Prisma.InputJsonValue | undefined,
        changedProperties: entry.changedProperties,
        actorType: actor.type,
        actorId: actor.id,
        onBehalfOfType: context.onBehalfOf?.type ?? null,
        onBehalfOfId: context.onBehalfOf?.id ?? null,
        actionId: entry.actionId ?? null,
        actionTypeApiName: entry.actionTypeApiName ?? null,
        requestId: context.requestId ?? null,
        occurredAt: entry.occurredAt,
      },
    });
  }

  /** Appends many entries in one statement (arrays unnested server-side). */
  async appendMany(entries: readonly HistoryEntryInput[], tx: Prisma.TransactionClient): Promise<void> {
    if (!entries.length) return;
    const context = RequestContextStore.require();
    const actor = context.actor ?? { type: 'system', id: 'unknown' };
    const column = <T>(pick: (entry: HistoryEntryInput) => T) => entries.map(pick);
    await tx.$executeRaw`
      INSERT INTO ontology_object_history (id, tenant_id, object_id, type_api_name, version, change_kind, before, after, changed_properties,
                                           actor_type, actor_id, on_behalf_of_type, on_behalf_of_id, action_id, action_type_api_name, request_id, occurred_at)
      SELECT u.id, ${RequestContextStore.requireTenantId()}::uuid, u.object_id, u.type_api_name, u.version, u.change_kind, u.before::jsonb, u.after::jsonb,
             ARRAY(SELECT jsonb_array_elements_text(u.changed::jsonb)),
             ${actor.type}, ${actor.id}, ${context.onBehalfOf?.type ?? null}, ${context.onBehalfOf?.id ?? null},
             u.action_id, u.action_type_api_name, ${context.requestId ?? null}, u.occurred_at
      FROM unnest(${column(() => newId())}::uuid[], ${column((entry) => entry.objectId)}::uuid[], ${column((entry) => entry.typeApiName)}::text[],
                  ${column((entry) => entry.version)}::int[], ${column((entry) => entry.changeKind)}::text[],
                  ${column((entry) => (entry.before ? JSON.stringify(entry.before) : null))}::text[], ${column((entry) => (entry.after ? JSON.stringify(entry.after) : null))}::text[],
                  ${column((entry) => JSON.stringify(entry.changedProperties))}::text[],
                  ${column((entry) => entry.actionId ?? null)}::uuid[], ${column((entry) => entry.actionTypeApiName ?? null)}::text[],
                  ${column((entry) => entry.occurredAt.toISOString())}::timestamptz[])
        AS u(id, object_id, type_api_name, version, change_kind, before, after, changed, action_id, action_type_api_name, occurred_at)`;
  }

  /** Newest first; `beforeVersion` pages back. */
  async forObject(objectId: string, limit: number, beforeVersion?: number): Promise<HistoryEntryView[]> {
    const rows = await this.prisma.ontologyObjectHistory.findMany({
      where: {
        tenantId: RequestContextStore.requireTenantId(),
        objectId,
        ...(beforeVersion === undefined ? {} : { version: { lt: beforeVersion } }),
      },
      orderBy: { version: 'desc' },
      take: limit,
    });
    return rows.map((row) => ({
      id: row.id,
      objectId: row.objectId,
      typeApiName: row.typeApiName,
      version: row.version,
      changeKind: row.changeKind as ChangeKind,
      before: row.before,
      after: row.after,
      changedProperties: row.changedProperties,
      actor: { type: row.actorType, id: row.actorId },
      onBehalfOf: row.onBehalfOfType && row.onBehalfOfId ? { type: row.onBehalfOfType, id: row.onBehalfOfId } : null,
      actionId: row.actionId,
      actionTypeApiName: row.actionTypeApiName,
      requestId: row.requestId,
      occurredAt: row.occurredAt,
    }));
  }
}
