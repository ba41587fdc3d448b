import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import { AuditEntryNotFoundError } from './audit.errors';
import { AuditEntriesRepository, type AuditEntryRow } from './audit-entries.repository';
import { toAuditEntryDto, type AuditEntryDto } from './audit-entry.dto';
import type { AuditFilter, AuditListQuery } from './audit-query.schema';

export interface AuditEntryPage {
  items: AuditEntryDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Rows read per query while streaming (an export never holds more). */
const STREAM_BATCH = 500;

/**
 * Reads a tenant's audit entries. `access` is the caller's authorization filter
 * (AuthorizationService.accessibleWhere), ANDed with the tenant and the filters.
 */
@Injectable()
export class AuditQuery {
  constructor(private readonly entries: AuditEntriesRepository) {}

  async list(tenantId: string, query: AuditListQuery, access: Prisma.AuditEntryWhereInput = {}): Promise<AuditEntryPage> {
    const cursor: Prisma.AuditEntryWhereInput =
      query.cursor === undefined ? {} : { seq: query.order === 'desc' ? { lt: query.cursor } : { gt: query.cursor } };
    const rows = await this.entries.page({ AND: [access, auditFilterWhere(tenantId, query), cursor] }, query.order, query.limit + 1);
    const items = rows.slice(0, query.limit);
    return {
      items: items.map(toAuditEntryDto),
      nextCursor: rows.length > query.limit ? items[items.length - 1].seq.toString() : null,
    };
  }

  async get(tenantId: string, id: string): Promise<AuditEntryRow> {
    const row = await this.entries.findById(tenantId, id);
    if (!row) throw new AuditEntryNotFoundError(id);
    return row;
  }

  /** Matching entries in chain order with seq ≤ `throughSeq`, read in batches. */
  async *stream(tenantId: string, filter: AuditFilter, access: Prisma.AuditEntryWhereInput, throughSeq: bigint): AsyncGenerator<AuditEntryRow> {
    const where = auditFilterWhere(tenantId, filter);
    let after = 0n;
    for (;;) {
      const rows = await this.entries.page({ AND: [access, where, { seq: { gt: after, lte: throughSeq } }] }, 'asc', STREAM_BATCH);
      yield* rows;
      if (rows.length < STREAM_BATCH) return;
      after = rows[rows.length - 1].seq;
    }
  }
}

export function auditFilterWhere(tenantId: string, filter: AuditFilter): Prisma.AuditEntryWhereInput {
  return {
    tenantId,
    ...(filter.from || filter.to ? { occurredAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
    ...(filter.actorType ? { actorType: filter.actorType } : {}),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.onBehalfOfId ? { onBehalfOfId: filter.onBehalfOfId } : {}),
    ...(filter.action || filter.actionPrefix
      ? {
          action: {
            ...(filter.action ? { equals: filter.action } : {}),
            // Prisma passes startsWith to LIKE unescaped, and `_` is LIKE's single-character wildcard.
            ...(filter.actionPrefix ? { startsWith: filter.actionPrefix.replaceAll('_', '\\_') } : {}),
          },
        }
      : {}),
    ...(filter.targetType ? { targetType: filter.targetType } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.purpose ? { purpose: filter.purpose } : {}),
    ...(filter.approvalId ? { approvalId: filter.approvalId } : {}),
    ...(filter.requestId ? { requestId: filter.requestId } : {}),
  };
}
