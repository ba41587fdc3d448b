import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type AuditEntryModel } from '@strata/db';
import { GENESIS_HASH } from './audit-chain';

export interface ChainHead {
  seq: bigint;
  hash: string;
}

export type AuditEntryRow = AuditEntryModel;

/**
 * The only code that touches `audit_entry` and `audit_chain_head`. Methods take the tenant
 * explicitly: the writers, the checkpoint job and the CLI run for tenants other than (or without)
 * a request's. Rows are never updated or deleted (the database refuses it anyway).
 */
@Injectable()
export class AuditEntriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Locks the tenant's chain head for the rest of `tx` and returns it; creates it (seq 0, genesis)
   * on the tenant's first append. Every writer, in any process, goes through this row lock, so the
   * chain can never fork.
   */
  async lockHead(tx: Prisma.TransactionClient, tenantId: string): Promise<ChainHead> {
    const locked = await selectHeadForUpdate(tx, tenantId);
    if (locked) return locked;
    await tx.$executeRaw`INSERT INTO audit_chain_head (tenant_id, seq, hash) VALUES (${tenantId}::uuid, 0, ${GENESIS_HASH}) ON CONFLICT (tenant_id) DO NOTHING`;
    const created = await selectHeadForUpdate(tx, tenantId);
    if (!created) throw new Error(`audit chain head of tenant ${tenantId} vanished while locked`);
    return created;
  }

  /**
   * Inserts the rows and moves the head to the last of them, in one statement, inside the
   * transaction that locked the head. The rows travel as one JSON document (jsonb_to_recordset),
   * which costs a fraction of Prisma's createMany per batch.
   */
  async insertAndAdvance(tx: Prisma.TransactionClient, tenantId: string, rows: AuditEntryRow[], at: Date): Promise<void> {
    const last = rows[rows.length - 1];
    const updated = await tx.$executeRaw`
      WITH inserted AS (
        INSERT INTO audit_entry (${INSERT_COLUMNS})
        SELECT ${tenantId}::uuid, ${RECORD_VALUES} FROM jsonb_to_recordset(${rowsDocument(rows)}::jsonb) AS ${RECORD_TYPE}
        RETURNING 1
      )
      UPDATE audit_chain_head SET seq = ${last.seq}, hash = ${last.hash}, updated_at = ${at} WHERE tenant_id = ${tenantId}::uuid`;
    if (updated !== 1) throw new Error(`audit chain head of tenant ${tenantId} was not advanced (locked by this transaction, yet ${updated} rows)`);
  }

  /**
   * The same without a transaction, in one round trip, if the head is still `expected` (what this
   * process wrote last): the UPDATE's row lock orders concurrent writers, and a writer that finds
   * the head moved inserts nothing. Returns false then; the caller falls back to locking.
   */
  async appendIfHeadIs(tenantId: string, expected: ChainHead, rows: AuditEntryRow[], at: Date): Promise<boolean> {
    const last = rows[rows.length - 1];
    const [{ inserted }] = await this.prisma.$queryRaw<Array<{ inserted: number }>>`
      WITH head AS (
        UPDATE audit_chain_head SET seq = ${last.seq}, hash = ${last.hash}, updated_at = ${at}
         WHERE tenant_id = ${tenantId}::uuid AND seq = ${expected.seq} AND hash = ${expected.hash}
        RETURNING tenant_id
      ), inserted AS (
        INSERT INTO audit_entry (${INSERT_COLUMNS})
        SELECT head.tenant_id, ${RECORD_VALUES} FROM head, jsonb_to_recordset(${rowsDocument(rows)}::jsonb) AS ${RECORD_TYPE}
        RETURNING 1
      )
      SELECT count(*)::int AS inserted FROM inserted`;
    if (inserted !== 0 && inserted !== rows.length) throw new Error(`audit append inserted ${inserted} of ${rows.length} rows`);
    return inserted === rows.length;
  }

  /** The committed head, without locking (null: the tenant never appended). */
  async head(tenantId: string): Promise<ChainHead | null> {
    return this.prisma.auditChainHead.findUnique({ where: { tenantId }, select: { seq: true, hash: true } });
  }

  findById(tenantId: string, id: string): Promise<AuditEntryRow | null> {
    return this.prisma.auditEntry.findFirst({ where: { tenantId, id } });
  }

  /** Keyset page: stable under concurrent appends because seq only grows. */
  page(where: Prisma.AuditEntryWhereInput, order: 'asc' | 'desc', limit: number): Promise<AuditEntryRow[]> {
    return this.prisma.auditEntry.findMany({ where, orderBy: { seq: order }, take: limit });
  }

  /** The chain in order, `limit` entries after `afterSeq` (the verifier's walk). */
  chainAfter(tenantId: string, afterSeq: bigint, limit: number): Promise<AuditEntryRow[]> {
    return this.prisma.auditEntry.findMany({ where: { tenantId, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit });
  }

  async idAtSeq(tenantId: string, seq: bigint): Promise<string | undefined> {
    return (await this.prisma.auditEntry.findUnique({ where: { tenantId_seq: { tenantId, seq } }, select: { id: true } }))?.id;
  }

  /** Where an entry with this hash sits, if anywhere (used once, to explain a broken link). */
  async seqOfHash(tenantId: string, hash: string): Promise<bigint | null> {
    const row = await this.prisma.auditEntry.findFirst({ where: { tenantId, hash }, select: { seq: true }, orderBy: { seq: 'asc' } });
    return row?.seq ?? null;
  }
}

const INSERT_COLUMNS = Prisma.raw(
  'tenant_id, seq, id, occurred_at, actor_type, actor_id, on_behalf_of_type, on_behalf_of_id, action, target_type, target_id, ' +
    'purpose, approval_id, outcome, reason, request_id, trace_id, ip, details, prev_hash, hash',
);

/** After the tenant id, in INSERT_COLUMNS order. JSON null would be stored as the jsonb value null; absent details are SQL NULL. */
const RECORD_VALUES = Prisma.raw(
  'r.seq, r.id, r.occurred_at, r.actor_type, r.actor_id, r.on_behalf_of_type, r.on_behalf_of_id, r.action, r.target_type, ' +
    "r.target_id, r.purpose, r.approval_id, r.outcome, r.reason, r.request_id, r.trace_id, r.ip, " +
    "CASE WHEN jsonb_typeof(r.details) = 'null' THEN NULL ELSE r.details END, r.prev_hash, r.hash",
);

const RECORD_TYPE = Prisma.raw(
  'r(seq bigint, id uuid, occurred_at timestamptz, actor_type text, actor_id text, on_behalf_of_type text, on_behalf_of_id text, ' +
    'action text, target_type text, target_id text, purpose text, approval_id text, outcome text, reason text, request_id text, ' +
    'trace_id text, ip text, details jsonb, prev_hash text, hash text)',
);

function rowsDocument(rows: AuditEntryRow[]): string {
  return JSON.stringify(
    rows.map((row) => ({
      seq: row.seq.toString(),
      id: row.id,
      occurred_at: row.occurredAt.toISOString(),
      actor_type: row.actorType,
      actor_id: row.actorId,
      on_behalf_of_type: row.onBehalfOfType,
      on_behalf_of_id: row.onBehalfOfId,
      action: row.action,
      target_type: row.targetType,
      target_id: row.targetId,
      purpose: row.purpose,
      approval_id: row.approvalId,
      outcome: row.outcome,
      reason: row.reason,
      request_id: row.requestId,
      trace_id: row.traceId,
      ip: row.ip,
      details: row.details,
      prev_hash: row.prevHash,
      hash: row.hash,
    })),
  );
}

async function selectHeadForUpdate(tx: Prisma.TransactionClient, tenantId: string): Promise<ChainHead | null> {
  const rows = await tx.$queryRaw<ChainHead[]>`SELECT seq, hash FROM audit_chain_head WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}
