import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, MissingRequestContextError, newId, RequestContextStore, type Actor, type Clock } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { OntologyError } from '../ontology.errors';
import { EVENT_TYPE_PATTERN, type OntologyEventInput } from './ontology-event';

/**
 * Appends to the tenant's durable event feed inside the writer's transaction.
 *
 * Sequences are gap-free and in commit order: {@link lock} takes the tenant's
 * `ontology_event_head` row lock (held until the transaction ends) and every append increments that
 * row. A later transaction cannot allocate a sequence until the earlier one committed or rolled back
 * (its increments roll back with it), so a reader of `sequence > cursor` never misses an event that
 * commits after it read. Every ontology writer locks first, which also serializes a tenant's
 * ontology writes and makes uniqueness and cardinality checks race-free.
 */
@Injectable()
export class OntologyEvents {
  /** Transactions that already hold the lock (a Prisma interactive transaction is one client object). */
  private readonly locked = new WeakSet<object>();

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  /**
   * Takes the tenant's event-head lock for the rest of `tx`. Call before `AuditLog.append(…, tx)`.
   * Waits at most `waitMs` (another transaction of the tenant, e.g. an import, may hold it), then
   * fails with 503 `ontology.busy` rather than outliving the caller's transaction timeout.
   */
  async lock(tx: Prisma.TransactionClient, waitMs: number = ONTOLOGY_LOCK_WAIT_MS): Promise<void> {
    if (this.locked.has(tx)) return;
    const tenantId = RequestContextStore.requireTenantId();
    try {
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(waitMs))}`);
      await tx.$executeRaw`
        INSERT INTO ontology_event_head (tenant_id, last_sequence, updated_at) VALUES (${tenantId}::uuid, 0, now())
        ON CONFLICT (tenant_id) DO UPDATE SET updated_at = now()`;
      await tx.$executeRawUnsafe('SET LOCAL lock_timeout = DEFAULT');
    } catch (error) {
      if (isLockTimeout(error)) throw new OntologyBusyError(waitMs);
      throw error;
    }
    this.locked.add(tx);
  }

  /** Appends one event; returns its sequence. */
  async append(tx: Prisma.TransactionClient, event: OntologyEventInput): Promise<bigint> {
    if (!EVENT_TYPE_PATTERN.test(event.type)) {
      throw new OntologyError('ontology.invalid_event', 'invalid_argument', `Event type ${JSON.stringify(event.type)} is not of the form area.verb.`);
    }
    await this.lock(tx);
    const tenantId = RequestContextStore.requireTenantId();
    const actor = currentActor();
    const rows = await tx.$queryRaw<{ sequence: bigint }[]>`
      WITH next AS (
        UPDATE ontology_event_head SET last_sequence = last_sequence + 1 WHERE tenant_id = ${tenantId}::uuid RETURNING last_sequence
      )
      INSERT INTO ontology_event (tenant_id, sequence, id, type, object_type_api_name, object_id, link_type_api_name, link_id,
                                  action_id, action_type_api_name, actor_type, actor_id, payload, occurred_at)
      SELECT ${tenantId}::uuid, next.last_sequence, ${newId()}::uuid, ${event.type}, ${event.objectTypeApiName ?? null},
             ${event.objectId ?? null}::uuid, ${event.linkTypeApiName ?? null}, ${event.linkId ?? null}::uuid,
             ${event.actionId ?? null}::uuid, ${event.actionTypeApiName ?? null}, ${actor.type}, ${actor.id},
             ${JSON.stringify(event.payload)}::jsonb, ${this.clock.now()}
      FROM next
      RETURNING sequence`;
    const sequence = rows[0]?.sequence;
    if (sequence === undefined) throw new OntologyError('ontology.event_head_missing', 'internal', 'The event head row was not locked.');
    return BigInt(sequence);
  }

  /**
   * Appends many events in one statement, in order: the head advances by their count and they take
   * the sequences after it (gap-free, as one by one). `common` applies to every event.
   */
  async appendMany(tx: Prisma.TransactionClient, common: Omit<OntologyEventInput, 'type' | 'payload' | 'objectId' | 'linkId'>, events: readonly BulkEventInput[]): Promise<void> {
    if (!events.length) return;
    for (const event of events) {
      if (!EVENT_TYPE_PATTERN.test(event.type)) {
        throw new OntologyError('ontology.invalid_event', 'invalid_argument', `Event type ${JSON.stringify(event.type)} is not of the form area.verb.`);
      }
    }
    await this.lock(tx);
    const tenantId = RequestContextStore.requireTenantId();
    const actor = currentActor();
    const column = <T>(pick: (event: BulkEventInput) => T) => events.map(pick);
    const inserted = await tx.$executeRaw`
      WITH head AS (
        UPDATE ontology_event_head SET last_sequence = last_sequence + ${events.length}::bigint WHERE tenant_id = ${tenantId}::uuid
        RETURNING last_sequence - ${events.length}::bigint AS base
      )
      INSERT INTO ontology_event (tenant_id, sequence, id, type, object_type_api_name, object_id, link_type_api_name, link_id,
                                  action_id, action_type_api_name, actor_type, actor_id, payload, occurred_at)
      SELECT ${tenantId}::uuid, head.base + u.ordinality, u.id, u.type, ${common.objectTypeApiName ?? null}, u.object_id, ${common.linkTypeApiName ?? null}, u.link_id,
             ${common.actionId ?? null}::uuid, ${common.actionTypeApiName ?? null}, ${actor.type}, ${actor.id}, u.payload::jsonb, ${this.clock.now()}
      FROM head, unnest(${column(() => newId())}::uuid[], ${column((event) => event.type)}::text[], ${column((event) => event.objectId ?? null)}::uuid[],
                        ${column((event) => event.linkId ?? null)}::uuid[], ${column((event) => JSON.stringify(event.payload))}::text[])
        WITH ORDINALITY AS u(id, type, object_id, link_id, payload, ordinality)`;
    if (inserted !== events.length) throw new OntologyError('ontology.event_head_missing', 'internal', 'The event head row was not locked.');
  }
}

/** One event of {@link OntologyEvents.appendMany}. */
export interface BulkEventInput {
  type: string;
  objectId?: string;
  linkId?: string;
  payload: Record<string, unknown>;
}

/** How long a writer waits for the tenant's write lock by default (below Prisma's 5 s transaction timeout). */
export const ONTOLOGY_LOCK_WAIT_MS = 4_000;

export class OntologyBusyError extends OntologyError {
  constructor(waitMs: number) {
    super('ontology.busy', 'unavailable', `Another change to this tenant's ontology (e.g. an import) held the write lock for more than ${waitMs} ms. Retry shortly.`, {
      details: { waitMs },
    });
  }
}

function isLockTimeout(error: unknown): boolean {
  // PostgreSQL 55P03 lock_not_available, as surfaced by the driver adapter in the code, meta or message.
  const candidate = error as { code?: unknown; meta?: { code?: unknown; message?: unknown }; message?: unknown; cause?: { code?: unknown } };
  return [candidate?.code, candidate?.meta?.code, candidate?.cause?.code].includes('55P03') || /lock timeout/i.test(`${String(candidate?.message)} ${String(candidate?.meta?.message)}`);
}

export function currentActor(): Actor {
  const actor = RequestContextStore.require().actor;
  if (!actor) throw new MissingRequestContextError('an actor');
  return actor;
}

