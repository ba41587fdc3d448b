import { checkpointStatement } from './audit-chain';
import type { AuditCheckpointRow } from './audit-checkpoints.repository';

export interface AuditCheckpointDto {
  id: string;
  tenantId: string;
  seq: string;
  hash: string;
  keyId: string;
  /** Base64 Ed25519 signature over `statement` (UTF-8). */
  signature: string;
  createdAt: string;
  /** The signed text, rebuilt from the fields above (docs/audit.md, "Checkpoints"). */
  statement: string;
}

export function toAuditCheckpointDto(row: AuditCheckpointRow): AuditCheckpointDto {
  return {
    id: row.id,
    tenantId: row.tenantId,
    seq: row.seq.toString(),
    hash: row.hash,
    keyId: row.keyId,
    signature: row.signature,
    createdAt: row.createdAt.toISOString(),
    statement: checkpointStatement(row),
  };
}
