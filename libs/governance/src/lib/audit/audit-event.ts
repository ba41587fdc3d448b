import { isUuid, MissingRequestContextError, newId, type Actor, type RequestContext } from '@strata/kernel';
import { InvalidAuditEventError } from './audit.errors';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditEvent {
  /** `resource.verb`, e.g. `api_key.create`: lowercase segments of letters, digits and `_`. */
  action: string;
  outcome: AuditOutcome;
  target?: { type: string; id?: string };
  reason?: string;
  approvalId?: string;
  /** Never secrets; JSON values only (a plain object, at most 16 KiB serialized). */
  details?: Record<string, unknown>;
  // Defaults from RequestContextStore.current(): tenantId, actor, onBehalfOf, purpose, requestId, traceId, ip.
  tenantId?: string;
  actor?: Actor;
  onBehalfOf?: Actor;
  purpose?: string;
}

/** Everything of an entry but its place in the chain (seq, prevHash, hash), validated. */
export interface AuditEntryDraft {
  tenantId: string;
  id: string;
  occurredAt: Date;
  actorType: string;
  actorId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  approvalId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  requestId: string | null;
  traceId: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Length ceilings, in UTF-16 code units (details: bytes of its JSON). */
export const AUDIT_FIELD_LIMITS = {
  action: 128,
  actorType: 32,
  actorId: 256,
  targetType: 64,
  targetId: 256,
  purpose: 128,
  approvalId: 128,
  reason: 2_000,
  requestId: 128,
  traceId: 128,
  ip: 64,
  detailsBytes: 16_384,
} as const;

/** An event with no actor in it or in the context (e.g. a failed sign-in) is recorded as this. */
export const UNAUTHENTICATED_ACTOR: Actor = { type: 'system', id: 'unauthenticated' };

/**
 * Validates an event and fills it from the request context. Strings are refused if PostgreSQL or
 * canonical JSON could not store them exactly (NUL, lone surrogates): the stored entry must hash
 * to what was hashed here, or the verifier would report tampering that never happened.
 */
export function draftAuditEntry(event: AuditEvent, context: Readonly<RequestContext> | undefined, now: Date): AuditEntryDraft {
  if (!event || typeof event !== 'object') throw new InvalidAuditEventError('the event must be an object', '(root)');
  const tenantId = event.tenantId ?? context?.tenantId;
  if (!tenantId) throw new MissingRequestContextError('a tenant (or an explicit tenantId on the audit event)');
  if (!isUuid(tenantId)) throw new InvalidAuditEventError(`tenantId ${JSON.stringify(tenantId)} is not a UUID`, 'tenantId');
  const action = text(event.action, 'action', AUDIT_FIELD_LIMITS.action);
  if (!ACTION_PATTERN.test(action)) {
    throw new InvalidAuditEventError(`action ${JSON.stringify(action)} is not of the form resource.verb (lowercase, digits, _)`, 'action');
  }
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(event.outcome)) {
    throw new InvalidAuditEventError(`outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`, 'outcome');
  }
  const actor = event.actor ?? context?.actor ?? UNAUTHENTICATED_ACTOR;
  // The context's on-behalf-of belongs to the context's actor: an explicit actor does not inherit it.
  const onBehalfOf = event.onBehalfOf ?? (event.actor ? undefined : context?.onBehalfOf);
  if (event.target !== undefined && (event.target === null || typeof event.target !== 'object')) {
    throw new InvalidAuditEventError('target must be { type, id? }', 'target');
  }
  return {
    // Stored as uuid, which PostgreSQL prints in lowercase: hash the form that will be read back.
    tenantId: tenantId.toLowerCase(),
    id: newId(),
    occurredAt: now,
    actorType: text(actor.type, 'actor.type', AUDIT_FIELD_LIMITS.actorType),
    actorId: text(actor.id, 'actor.id', AUDIT_FIELD_LIMITS.actorId),
    onBehalfOfType: onBehalfOf ? text(onBehalfOf.type, 'onBehalfOf.type', AUDIT_FIELD_LIMITS.actorType) : null,
    onBehalfOfId: onBehalfOf ? text(onBehalfOf.id, 'onBehalfOf.id', AUDIT_FIELD_LIMITS.actorId) : null,
    action,
    targetType: event.target ? text(event.target.type, 'target.type', AUDIT_FIELD_LIMITS.targetType) : null,
    targetId: event.target?.id === undefined ? null : text(event.target.id, 'target.id', AUDIT_FIELD_LIMITS.targetId),
    purpose: optionalText(event.purpose ?? context?.purpose, 'purpose', AUDIT_FIELD_LIMITS.purpose),
    approvalId: optionalText(event.approvalId, 'approvalId', AUDIT_FIELD_LIMITS.approvalId),
    outcome: event.outcome,
    reason: optionalText(event.reason, 'reason', AUDIT_FIELD_LIMITS.reason),
    requestId: optionalText(context?.requestId, 'requestId', AUDIT_FIELD_LIMITS.requestId),
    traceId: optionalText(context?.traceId, 'traceId', AUDIT_FIELD_LIMITS.traceId),
    ip: optionalText(context?.ip, 'ip', AUDIT_FIELD_LIMITS.ip),
    details: jsonDetails(event.details),
  };
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidAuditEventError(`${field} must be a non-empty string`, field);
  if (value.length > max) throw new InvalidAuditEventError(`${field} is longer than ${max} characters`, field);
  storable(value, field);
  return value;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  return value === undefined || value === null || value === '' ? null : text(value, field, max);
}

function storable(value: string, field: string): void {
  if (value.includes('\u0000')) throw new InvalidAuditEventError(`${field} contains a NUL character`, field);
  if (!value.isWellFormed()) throw new InvalidAuditEventError(`${field} contains a lone UTF-16 surrogate`, field);
}

/**
 * Details as the plain JSON they will be read back as (Dates become strings, undefined members
 * vanish), so the hash is computed over exactly what jsonb returns.
 */
function jsonDetails(details: unknown): Record<string, unknown> | null {
  if (details === undefined || details === null) return null;
  if (typeof details !== 'object' || Array.isArray(details)) throw new InvalidAuditEventError('details must be a plain object', 'details');
  let serialized: string;
  try {
    serialized = JSON.stringify(details, (key, value: unknown) => {
      if (typeof value === 'bigint') throw new InvalidAuditEventError(`details.${key} is a bigint; pass it as a string`, 'details');
      if (typeof value === 'number' && !Number.isFinite(value)) throw new InvalidAuditEventError(`details.${key} is not a finite number`, 'details');
      if (typeof value === 'string') storable(value, `details.${key}`);
      return value;
    });
  } catch (error) {
    if (error instanceof InvalidAuditEventError) throw error;
    throw new InvalidAuditEventError(`details is not JSON: ${(error as Error).message}`, 'details');
  }
  if (Buffer.byteLength(serialized, 'utf8') > AUDIT_FIELD_LIMITS.detailsBytes) {
    throw new InvalidAuditEventError(`details is larger than ${AUDIT_FIELD_LIMITS.detailsBytes} bytes of JSON`, 'details');
  }
  const parsed = JSON.parse(serialized) as Record<string, unknown>;
  checkKeys(parsed);
  return parsed;
}

function checkKeys(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(checkKeys);
  } else if (value && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      storable(key, 'details (a key)');
      checkKeys(member);
    }
  }
}
