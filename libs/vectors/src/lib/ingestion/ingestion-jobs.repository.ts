import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';

export interface ClaimedJob {
  id: string;
  tenantId: string;
  documentId: string;
  attempts: number;
}

export const ACTIVE_JOB_STATUSES = ['queued', 'running'] as const;

/**
 * The ingestion job queue in `vector_ingestion_job`. Claiming works across tenants (the worker
 * serves all of them, like the approval sweeper); everything else is scoped to the request
 * context's tenant, which the worker sets to the job's tenant.
 */
@Injectable()
export class IngestionJobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  enqueue(documentId: string, tx: Prisma.TransactionClient) {
    return tx.vectorIngestionJob.create({ data: { id: newId(), tenantId: RequestContextStore.requireTenantId(), documentId, status: 'queued' } });
  }

  active(documentId: string, client: Prisma.TransactionClient = this.prisma) {
    return client.vectorIngestionJob.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), documentId, status: { in: [...ACTIVE_JOB_STATUSES] } } });
  }

  /**
   * Takes the next due job — queued and due, or running with an expired lease (its worker died) —
   * with FOR UPDATE SKIP LOCKED so concurrent workers never take the same one, and leases it.
   */
  async claim(owner: string, leaseMs: number): Promise<ClaimedJob | null> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM vector_ingestion_job
        WHERE (status = 'queued' AND run_after <= now()) OR (status = 'running' AND lease_expires_at < now())
        ORDER BY run_after, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED`;
      const id = due[0]?.id;
      if (!id) return null;
      const rows = await tx.$queryRaw<Array<{ id: string; tenant_id: string; document_id: string; attempts: number }>>`
        UPDATE vector_ingestion_job
        SET status = 'running', attempts = attempts + 1, lease_owner = ${owner},
            lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision), updated_at = now()
        WHERE id = ${id}::uuid
        RETURNING id, tenant_id, document_id, attempts`;
      const row = rows[0];
      return row ? { id: row.id, tenantId: row.tenant_id, documentId: row.document_id, attempts: row.attempts } : null;
    });
  }

  /** Extends the lease; false when this worker no longer holds it (expired and taken, or the document was deleted). */
  async heartbeat(jobId: string, owner: string, leaseMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE vector_ingestion_job SET lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision), updated_at = now()
      WHERE id = ${jobId}::uuid AND lease_owner = ${owner} AND status = 'running'`;
    return count > 0;
  }

  /** Locks the job inside `tx` if this worker still holds its lease (the final write checks this). */
  async lockHeld(jobId: string, owner: string, tx: Prisma.TransactionClient): Promise<boolean> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM vector_ingestion_job WHERE id = ${jobId}::uuid AND lease_owner = ${owner} AND status = 'running' FOR UPDATE`;
    return rows.length > 0;
  }

  async finish(jobId: string, status: 'done' | 'failed', lastError: string | null, tx: Prisma.TransactionClient): Promise<void> {
    await tx.vectorIngestionJob.update({ where: { id: jobId }, data: { status, lastError, leaseOwner: null, leaseExpiresAt: null, updatedAt: new Date() } });
  }

  /** Back to the queue: after `delayMs` (a retry), or at once (a worker stopping releases its job). */
  async requeue(jobId: string, delayMs: number, lastError: string | null, tx: Prisma.TransactionClient, giveBackAttempt = false): Promise<void> {
    await tx.$executeRaw`
      UPDATE vector_ingestion_job
      SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, last_error = ${lastError},
          run_after = now() + make_interval(secs => ${delayMs / 1000}::double precision),
          attempts = CASE WHEN ${giveBackAttempt} THEN greatest(attempts - 1, 0) ELSE attempts END, updated_at = now()
      WHERE id = ${jobId}::uuid`;
  }
}
