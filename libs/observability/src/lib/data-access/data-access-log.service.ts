import { Inject, Injectable } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { CLOCK, MissingRequestContextError, newId, RequestContextStore, type Clock } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { DataAccessTooLargeError, InvalidDataAccessError } from './data-access.errors';
import { DataAccessRepository, type DataAccessRow } from './data-access.repository';

/** What a layer reports when it reads tenant data. */
export interface DataAccess {
  /** The kind of record read, a model name such as `Session` or `MemoryItem`. */
  resourceType: string;
  /** The ids of the records read (duplicates are stored once). */
  resourceIds: readonly string[];
}

export interface RecordedDataAccess {
  /** One id per stored record (a read of more than {@link DATA_ACCESS_LIMITS.idsPerRecord} ids makes several). */
  ids: string[];
  resourceCount: number;
}

export const DATA_ACCESS_LIMITS = {
  /** Resource ids in one stored record. */
  idsPerRecord: 1_000,
  /** Resource ids one call may report (split into records of `idsPerRecord`). */
  idsPerCall: 10_000,
  resourceIdLength: 256,
} as const;

const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;

/**
 * The data-access log: other layers call {@link record} whenever they read tenant data they mark
 * as such. Who (actor), for whom (on-behalf-of), why (purpose), the tenant and request come from
 * the request context, the trace from the active span, never from the caller. A record is written
 * before `record` resolves (in the caller's transaction when one is given, so it commits or rolls
 * back with the read); a read that cannot be recorded fails.
 */
@Injectable()
export class DataAccessLog {
  constructor(
    private readonly records: DataAccessRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Records one read. `tx`: the caller's transaction. On the embedded database (one connection),
   * a caller inside a transaction must pass it: a write outside would wait for that transaction.
   */
  async record(access: DataAccess, tx?: Prisma.TransactionClient): Promise<RecordedDataAccess> {
    const [recorded] = await this.recordMany([access], tx);
    return recorded as RecordedDataAccess;
  }

  /**
   * Records several reads of one operation (e.g. a search: the collection and the chunks it
   * returned) in one insert: one round trip instead of one per resource type. Every access is
   * validated before anything is written; the result has one entry per access, in order.
   */
  async recordMany(accesses: readonly DataAccess[], tx?: Prisma.TransactionClient): Promise<RecordedDataAccess[]> {
    const context = RequestContextStore.require();
    const tenantId = RequestContextStore.requireTenantId();
    if (!context.actor) throw new MissingRequestContextError('an actor');
    const actor = context.actor;
    const idsOf = accesses.map((access) => {
      if (!RESOURCE_TYPE.test(access.resourceType)) {
        throw new InvalidDataAccessError('resourceType must be a name of letters, digits and _ . : - (at most 128)', 'resourceType');
      }
      return uniqueIds(access.resourceIds);
    });

    const span = trace.getActiveSpan()?.spanContext();
    const traceId = span && isSpanContextValid(span) ? span.traceId : (context.traceId ?? null);
    const occurredAt = this.clock.now();
    const rows: DataAccessRow[] = [];
    const recorded = accesses.map((access, index): RecordedDataAccess => {
      const ids = idsOf[index] as string[];
      const own: DataAccessRow[] = [];
      for (let start = 0; start < ids.length; start += DATA_ACCESS_LIMITS.idsPerRecord) {
        own.push({
          id: newId(),
          tenantId,
          occurredAt,
          actorType: actor.type,
          actorId: actor.id,
          onBehalfOfType: context.onBehalfOf?.type ?? null,
          onBehalfOfId: context.onBehalfOf?.id ?? null,
          resourceType: access.resourceType,
          resourceIds: ids.slice(start, start + DATA_ACCESS_LIMITS.idsPerRecord),
          purpose: context.purpose ?? null,
          traceId,
          requestId: context.requestId ?? null,
        });
      }
      rows.push(...own);
      return { ids: own.map((row) => row.id), resourceCount: ids.length };
    });
    if (rows.length) await this.records.insert(rows, tx);
    return recorded;
  }
}

function uniqueIds(resourceIds: readonly string[]): string[] {
  if (resourceIds.length > DATA_ACCESS_LIMITS.idsPerCall) throw new DataAccessTooLargeError(resourceIds.length, DATA_ACCESS_LIMITS.idsPerCall);
  const unique = new Set<string>();
  for (const id of resourceIds) {
    if (typeof id !== 'string' || id.length === 0 || id.length > DATA_ACCESS_LIMITS.resourceIdLength || id.includes('\u0000')) {
      throw new InvalidDataAccessError(`every resource id must be a string of 1 to ${DATA_ACCESS_LIMITS.resourceIdLength} characters`, 'resourceIds');
    }
    unique.add(id);
  }
  return [...unique];
}
