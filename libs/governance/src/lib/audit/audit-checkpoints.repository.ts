import { Injectable } from '@nestjs/common';
import { PrismaService, type AuditCheckpointModel } from '@strata/db';

export type AuditCheckpointRow = AuditCheckpointModel;

export interface DueCheckpoint {
  tenantId: string;
  seq: bigint;
}

/** The only code that touches `audit_checkpoint` (append-only, like the entries). */
@Injectable()
export class AuditCheckpointsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts unless the tenant already has a checkpoint at that seq (another process signed it), then returns the stored one. */
  async insert(row: AuditCheckpointRow): Promise<AuditCheckpointRow> {
    await this.prisma.auditCheckpoint.createMany({ data: [row], skipDuplicates: true });
    const stored = await this.prisma.auditCheckpoint.findUnique({ where: { tenantId_seq: { tenantId: row.tenantId, seq: row.seq } } });
    if (!stored) throw new Error(`audit checkpoint ${row.tenantId}/${row.seq} vanished after insert`);
    return stored;
  }

  /** Newest first, `limit` checkpoints below `beforeSeq`. */
  listBefore(tenantId: string, beforeSeq: bigint | undefined, limit: number): Promise<AuditCheckpointRow[]> {
    return this.prisma.auditCheckpoint.findMany({
      where: { tenantId, ...(beforeSeq === undefined ? {} : { seq: { lt: beforeSeq } }) },
      orderBy: { seq: 'desc' },
      take: limit,
    });
  }

  /** In chain order, `limit` checkpoints after `afterSeq` (the verifier's walk). */
  after(tenantId: string, afterSeq: bigint, limit: number): Promise<AuditCheckpointRow[]> {
    return this.prisma.auditCheckpoint.findMany({ where: { tenantId, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit });
  }

  async latestSeq(tenantId: string): Promise<bigint> {
    const row = await this.prisma.auditCheckpoint.findFirst({ where: { tenantId }, orderBy: { seq: 'desc' }, select: { seq: true } });
    return row?.seq ?? 0n;
  }

  /** Tenants whose chain head is past their last checkpoint. */
  due(limit: number): Promise<DueCheckpoint[]> {
    return this.prisma.$queryRaw<DueCheckpoint[]>`
      SELECT h.tenant_id::text AS "tenantId", h.seq
        FROM audit_chain_head h
       WHERE h.seq > COALESCE((SELECT max(c.seq) FROM audit_checkpoint c WHERE c.tenant_id = h.tenant_id), 0)
       ORDER BY h.tenant_id
       LIMIT ${limit}`;
  }
}
