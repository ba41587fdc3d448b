import type { DataAccessRecordModel } from '@strata/db';

export interface DataAccessRecordDto {
  id: string;
  tenantId: string;
  occurredAt: string;
  actorType: string;
  actorId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  resourceType: string;
  resourceIds: string[];
  purpose: string | null;
  traceId: string | null;
  requestId: string | null;
}

export interface DataAccessPage {
  items: DataAccessRecordDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export function toDataAccessRecordDto(row: DataAccessRecordModel): DataAccessRecordDto {
  return {
    id: row.id,
    tenantId: row.tenantId,
    occurredAt: row.occurredAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    onBehalfOfType: row.onBehalfOfType,
    onBehalfOfId: row.onBehalfOfId,
    resourceType: row.resourceType,
    resourceIds: row.resourceIds,
    purpose: row.purpose,
    traceId: row.traceId,
    requestId: row.requestId,
  };
}
