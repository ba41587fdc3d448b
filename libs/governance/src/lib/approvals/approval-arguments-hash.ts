import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** What an approval binds: the action, its subject and its exact arguments. */
export interface ApprovedAction {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  arguments: unknown;
}

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of `{action, subjectType, subjectId, arguments}`.
 * Canonical JSON makes the hash independent of key order and number formatting, so the executing
 * layer can recompute it from its own copy of the arguments; an absent subject id is `null`.
 */
export function approvalArgumentsHash(input: ApprovedAction): string {
  const canonical = canonicalize({
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    arguments: input.arguments,
  });
  if (canonical === undefined) throw new TypeError('approval arguments are not JSON');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Size of the arguments as stored and hashed (UTF-8 bytes of their canonical JSON). */
export function canonicalJsonBytes(value: unknown): number {
  const canonical = canonicalize(value);
  return canonical === undefined ? 0 : Buffer.byteLength(canonical, 'utf8');
}
