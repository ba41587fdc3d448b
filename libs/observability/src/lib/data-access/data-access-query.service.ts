import { Injectable } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { InvalidCursorError } from '../trace-api/trace-api.errors';
import { toDataAccessRecordDto, type DataAccessPage } from './data-access.dto';
import type { DataAccessListQuery } from './data-access-query.schema';
import { DataAccessRepository } from './data-access.repository';

/** Reads a tenant's data-access records for auditors: filters and cursor paging, newest first. */
@Injectable()
export class DataAccessQuery {
  constructor(private readonly records: DataAccessRepository) {}

  async list(tenantId: string, query: DataAccessListQuery): Promise<DataAccessPage> {
    const where: Prisma.DataAccessRecordWhereInput[] = [dataAccessFilterWhere(tenantId, query)];
    if (query.cursor !== undefined) {
      const after = decodeDataAccessCursor(query.cursor);
      where.push({ OR: [{ occurredAt: { lt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { lt: after.id } }] });
    }
    const rows = await this.records.page({ AND: where }, query.limit + 1);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toDataAccessRecordDto),
      nextCursor: rows.length > query.limit && last ? encodeDataAccessCursor(last.occurredAt, last.id) : null,
    };
  }
}

export function dataAccessFilterWhere(tenantId: string, filter: Omit<DataAccessListQuery, 'cursor' | 'limit'>): Prisma.DataAccessRecordWhereInput {
  return {
    tenantId,
    ...(filter.from || filter.to ? { occurredAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
    ...(filter.actorType ? { actorType: filter.actorType } : {}),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.onBehalfOfId ? { onBehalfOfId: filter.onBehalfOfId } : {}),
    ...(filter.resourceType ? { resourceType: filter.resourceType } : {}),
    ...(filter.resourceId ? { resourceIds: { has: filter.resourceId } } : {}),
    ...(filter.purpose ? { purpose: filter.purpose } : {}),
    ...(filter.traceId ? { traceId: filter.traceId } : {}),
    ...(filter.requestId ? { requestId: filter.requestId } : {}),
  };
}

/** Opaque to clients: base64url of `<occurredAt ms>|<id>`. */
export function encodeDataAccessCursor(occurredAt: Date, id: string): string {
  return Buffer.from(`${occurredAt.getTime()}|${id}`, 'utf8').toString('base64url');
}

export function decodeDataAccessCursor(cursor: string): { occurredAt: Date; id: string } {
  const [millis, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length || !millis || !/^\d{1,15}$/.test(millis) || !isUuid(id)) throw new InvalidCursorError();
  return { occurredAt: new Date(Number(millis)), id };
}
