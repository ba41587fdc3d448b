import { Inject, Injectable } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { CLOCK, MissingRequestContextError, newId, RequestContextStore, type Clock } from '@strata/kernel';
import { Prisma } from '@strata/db';
import { DataAccessTooLargeError, InvalidDataAccessError } from './data-access.errors';
import { DataAccessRepository, type DataAccessRow } from './data-access.repository';

/** What a layer reports when it reads tenant data. */
export interface DataAccess {
  /** The kind of record read, a model name such as `Session` or `MemoryItem`. */
  resourceType: string;
  /** The ids of the records read (duplicates are stored once). */
  resourceIds: readonly string[];
}

/**
 * Reads whose ids only the caller's statement knows (e.g. the rows a kNN query returns): an SQL
 * expression of type `text[]` evaluated in that statement. See {@link DataAccessLog.recordingSql}.
 */
export interface DataAccessInStatement {
  resourceType: string;
  /** A `text[]` expression of the caller's statement, at most {@link DATA_ACCESS_LIMITS.idsPerRecord} ids (the caller's LIMIT bounds it). */
  resourceIdsSql: Prisma.Sql;
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
    const record = this.recordOf();
    const idsOf = accesses.map((access) => {
      checkResourceType(access.resourceType);
      return uniqueIds(access.resourceIds);
    });
    const rows: DataAccessRow[] = [];
    const recorded = accesses.map((access, index): RecordedDataAccess => {
      const ids = idsOf[index] as string[];
      const own: DataAccessRow[] = [];
      for (let start = 0; start < ids.length; start += DATA_ACCESS_LIMITS.idsPerRecord) {
        own.push({ ...record, id: newId(), resourceType: access.resourceType, resourceIds: ids.slice(start, start + DATA_ACCESS_LIMITS.idsPerRecord) });
      }
      rows.push(...own);
      return { ids: own.map((row) => row.id), resourceCount: ids.length };
    });
    if (rows.length) await this.records.insert(rows, tx);
    return recorded;
  }

  /**
   * The same records as {@link recordMany}, as an `INSERT INTO data_access_record … SELECT …` for
   * the caller to put in a WITH clause of its read (`WITH hits AS (…), logged AS (${sql}) SELECT …
   * FROM hits`): one statement reads and records, atomically (a read that cannot be recorded
   * returns nothing) and in autocommit (no transaction round trips). Ids come as values
   * ({@link DataAccess}) or as a `text[]` expression of the statement ({@link DataAccessInStatement},
   * duplicates stored once, order kept); an empty or NULL list writes no record, as in recordMany.
   * Everything else (actor, tenant, purpose, trace, request) comes from the request context now,
   * so build it inside the operation's span. The table stays this layer's: callers only embed the fragment.
   */
  recordingSql(accesses: ReadonlyArray<DataAccess | DataAccessInStatement>): Prisma.Sql {
    const record = this.recordOf();
    const entries = accesses.map((access) => {
      checkResourceType(access.resourceType);
      let ids: Prisma.Sql;
      if ('resourceIdsSql' in access) {
        ids = Prisma.sql`ARRAY(SELECT u.id FROM unnest((${access.resourceIdsSql})::text[]) WITH ORDINALITY AS u(id, n) GROUP BY u.id ORDER BY min(u.n))`;
      } else {
        const unique = uniqueIds(access.resourceIds);
        if (unique.length > DATA_ACCESS_LIMITS.idsPerRecord) throw new DataAccessTooLargeError(unique.length, DATA_ACCESS_LIMITS.idsPerRecord);
        ids = Prisma.sql`${unique}::text[]`;
      }
      return Prisma.sql`(${newId()}::uuid, ${access.resourceType}, ${ids})`;
    });
    if (!entries.length) throw new InvalidDataAccessError('at least one access to record', 'resourceType');
    return Prisma.sql`INSERT INTO data_access_record (id, tenant_id, occurred_at, actor_type, actor_id, on_behalf_of_type, on_behalf_of_id, resource_type, resource_ids, purpose, trace_id, request_id)
      SELECT r.id, ${record.tenantId}::uuid, ${record.occurredAt}::timestamptz, ${record.actorType}, ${record.actorId}, ${record.onBehalfOfType}::text, ${record.onBehalfOfId}::text,
        r.resource_type, r.resource_ids, ${record.purpose}::text, ${record.traceId}::text, ${record.requestId}::text
      FROM (VALUES ${Prisma.join(entries)}) AS r(id, resource_type, resource_ids)
      WHERE cardinality(r.resource_ids) > 0`;
  }

  /** What every record of this operation shares: who, for whom, why, when, the trace and request (from the context). */
  private recordOf(): Omit<DataAccessRow, 'id' | 'resourceType' | 'resourceIds'> {
    const context = RequestContextStore.require();
    const tenantId = RequestContextStore.requireTenantId();
    if (!context.actor) throw new MissingRequestContextError('an actor');
    const span = trace.getActiveSpan()?.spanContext();
    return {
      tenantId,
      occurredAt: this.clock.now(),
      actorType: context.actor.type,
      actorId: context.actor.id,
      onBehalfOfType: context.onBehalfOf?.type ?? null,
      onBehalfOfId: context.onBehalfOf?.id ?? null,
      purpose: context.purpose ?? null,
      traceId: span && isSpanContextValid(span) ? span.traceId : (context.traceId ?? null),
      requestId: context.requestId ?? null,
    };
  }
}

function checkResourceType(resourceType: string): void {
  if (!RESOURCE_TYPE.test(resourceType)) {
    throw new InvalidDataAccessError('resourceType must be a name of letters, digits and _ . : - (at most 128)', 'resourceType');
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
