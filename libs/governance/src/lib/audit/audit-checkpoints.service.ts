import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, newId, withSpan, type Clock } from '@strata/kernel';
import { checkpointStatement } from './audit-chain';
import { AuditChainEmptyError } from './audit.errors';
import { AuditCheckpointsRepository, type AuditCheckpointRow } from './audit-checkpoints.repository';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditSigningKey } from './audit-signing-key';

/** Signs chain heads. A checkpoint is a signed statement "tenant T's chain had hash H at seq N at time C". */
@Injectable()
export class AuditCheckpoints {
  constructor(
    private readonly checkpoints: AuditCheckpointsRepository,
    private readonly entries: AuditEntriesRepository,
    private readonly key: AuditSigningKey,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Signs the tenant's current head; idempotent (an existing checkpoint at that seq is returned). */
  create(tenantId: string): Promise<AuditCheckpointRow> {
    return withSpan('audit.checkpoint.create', { 'strata.tenant.id': tenantId }, async (span) => {
      const head = await this.entries.head(tenantId);
      if (!head || head.seq === 0n) throw new AuditChainEmptyError(tenantId);
      const createdAt = this.clock.now();
      const signature = this.key.sign(checkpointStatement({ tenantId, seq: head.seq, hash: head.hash, createdAt }));
      const stored = await this.checkpoints.insert({ id: newId(), tenantId, seq: head.seq, hash: head.hash, keyId: this.key.keyId, signature, createdAt });
      span.setAttribute('strata.audit.seq', stored.seq.toString());
      return stored;
    });
  }

  list(tenantId: string, beforeSeq: bigint | undefined, limit: number): Promise<AuditCheckpointRow[]> {
    return this.checkpoints.listBefore(tenantId, beforeSeq, limit);
  }

  /** The tenant's committed chain head (null: no entry yet). */
  headOf(tenantId: string) {
    return this.entries.head(tenantId);
  }

  latestSeq(tenantId: string): Promise<bigint> {
    return this.checkpoints.latestSeq(tenantId);
  }

  /** Tenants with entries past their last checkpoint, at most `limit` of them. */
  due(limit: number) {
    return this.checkpoints.due(limit);
  }

  get publicKeyPem(): string {
    return this.key.publicKeyPem;
  }

  get keyId(): string {
    return this.key.keyId;
  }
}
