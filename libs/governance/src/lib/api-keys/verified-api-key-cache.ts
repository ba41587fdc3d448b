import { Injectable } from '@nestjs/common';
import type { AuthenticatedPrincipal } from '../authn/principal';

/** What authentication learned about a key from the database, kept for a few seconds. */
export interface VerifiedApiKey {
  keyId: string;
  secretHash: string;
  principal: AuthenticatedPrincipal;
  expiresAt: Date | null;
  /** When the database said all this (ms since epoch, by the authenticator's clock). */
  verifiedAtMs: number;
  /** When `last_used_at` was last written for it. */
  touchedAtMs: number;
}

/**
 * API keys verified recently, by prefix, so that authentication is a hash comparison instead of
 * three database round trips on every request (the /v1 model API is called at high rates).
 *
 * Staleness bound: a change made on this node (key revoked, service account disabled or its roles
 * changed, member's roles changed or removed) drops the affected entries before the change returns,
 * so it applies to the very next request. A change made on another node of a multi-node deployment
 * is seen here at the latest {@link VerifiedApiKeyCache.TTL_MS} later, when the entry expires and
 * the key is read again. A key's own expiry is checked on every request, cached or not. The secret
 * is checked on every request against the stored hash (never cached as plain text).
 */
@Injectable()
export class VerifiedApiKeyCache {
  static readonly TTL_MS = 5_000;
  /** Bounds memory: beyond this many keys the oldest entry is dropped. */
  static readonly MAX_ENTRIES = 10_000;

  private readonly entries = new Map<string, VerifiedApiKey>();

  get(prefix: string, nowMs: number): VerifiedApiKey | undefined {
    const entry = this.entries.get(prefix);
    if (!entry) return undefined;
    if (nowMs - entry.verifiedAtMs >= VerifiedApiKeyCache.TTL_MS || nowMs < entry.verifiedAtMs) {
      this.entries.delete(prefix);
      return undefined;
    }
    return entry;
  }

  set(prefix: string, entry: VerifiedApiKey): void {
    this.entries.delete(prefix);
    if (this.entries.size >= VerifiedApiKeyCache.MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(prefix, entry);
  }

  /** A key changed (revoked): forget it. */
  forgetKey(keyId: string): void {
    for (const [prefix, entry] of this.entries) if (entry.keyId === keyId) this.entries.delete(prefix);
  }

  /** A principal changed (disabled, roles, membership): forget every key, the cheap and safe choice for a rare event. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
