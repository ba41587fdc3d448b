import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The hash chain and checkpoint statement, exactly as docs/audit.md specifies them for auditors.
 * Anything changed here changes every hash: bump {@link AUDIT_CHAIN_VERSION} and document it.
 */
export const AUDIT_CHAIN_VERSION = 1;

/** The prevHash of a tenant's first entry (seq 1): 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** Lowercase hex SHA-256. */
export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The hashed fields of an entry. Every key is always present; an absent optional value is `null`,
 * never omitted, so "not set" has exactly one representation.
 */
export interface AuditEntryContent {
  v: number;
  tenantId: string;
  /** Decimal string: JSON numbers cannot carry a 64-bit integer exactly in every language. */
  seq: string;
  id: string;
  /** ISO 8601 UTC with milliseconds, `YYYY-MM-DDTHH:mm:ss.sssZ` (the stored precision). */
  occurredAt: string;
  actorType: string;
  actorId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  approvalId: string | null;
  outcome: string;
  reason: string | null;
  requestId: string | null;
  traceId: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

/** An entry as stored (Prisma's `AuditEntry` shape, or a parsed export line with `seq` as text). */
export interface AuditEntryFields {
  tenantId: string;
  seq: bigint | string;
  id: string;
  occurredAt: Date | string;
  actorType: string;
  actorId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  approvalId: string | null;
  outcome: string;
  reason: string | null;
  requestId: string | null;
  traceId: string | null;
  ip: string | null;
  details: unknown;
}

export function auditEntryContent(entry: AuditEntryFields): AuditEntryContent {
  return {
    v: AUDIT_CHAIN_VERSION,
    tenantId: entry.tenantId,
    seq: entry.seq.toString(),
    id: entry.id,
    occurredAt: typeof entry.occurredAt === 'string' ? entry.occurredAt : entry.occurredAt.toISOString(),
    actorType: entry.actorType,
    actorId: entry.actorId,
    onBehalfOfType: entry.onBehalfOfType ?? null,
    onBehalfOfId: entry.onBehalfOfId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    purpose: entry.purpose ?? null,
    approvalId: entry.approvalId ?? null,
    outcome: entry.outcome,
    reason: entry.reason ?? null,
    requestId: entry.requestId ?? null,
    traceId: entry.traceId ?? null,
    ip: entry.ip ?? null,
    details: (entry.details ?? null) as Record<string, unknown> | null,
  };
}

/** RFC 8785 (JCS) canonical JSON of the content. */
export function canonicalAuditContent(content: AuditEntryContent): string {
  const text = canonicalize(content);
  if (text === undefined) throw new TypeError('audit entry content has no JSON form');
  return text;
}

/** hash = SHA-256( UTF-8( canonicalJSON(content) ‖ prevHash ) ), lowercase hex. */
export function auditEntryHash(content: AuditEntryContent, prevHash: string): string {
  return createHash('sha256').update(canonicalAuditContent(content), 'utf8').update(prevHash, 'utf8').digest('hex');
}

/** The hash an entry should carry given its own fields and stored prevHash. */
export function recomputeEntryHash(entry: AuditEntryFields & { prevHash: string }): string {
  return auditEntryHash(auditEntryContent(entry), entry.prevHash);
}

export interface CheckpointStatementFields {
  tenantId: string;
  seq: bigint | string;
  hash: string;
  createdAt: Date | string;
}

/**
 * The exact bytes an Ed25519 checkpoint signature covers (UTF-8):
 * `strata-audit-checkpoint/v1|<tenantId>|<seq>|<hash>|<createdAt ISO>`. No field can contain `|`.
 */
export function checkpointStatement(checkpoint: CheckpointStatementFields): string {
  const createdAt = typeof checkpoint.createdAt === 'string' ? checkpoint.createdAt : checkpoint.createdAt.toISOString();
  return `strata-audit-checkpoint/v${AUDIT_CHAIN_VERSION}|${checkpoint.tenantId}|${checkpoint.seq.toString()}|${checkpoint.hash}|${createdAt}`;
}
