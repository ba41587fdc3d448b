/**
 * The observability layer's authorization port. Observability sits below governance and may not
 * import it, so it asks through this interface; governance registers the implementation under
 * {@link OBSERVABILITY_ACCESS} (libs/governance/src/lib/authz/observability-access.provider.ts).
 */
export interface ObservabilityAccess {
  /**
   * Throws (403, `governance.permission_denied`) unless the current principal may `action` the
   * `subject` in its tenant. Every passing and failing call is recorded as a decision: these reads
   * show other principals' activity.
   */
  gate(action: 'read', subject: 'Trace' | 'DataAccessRecord'): Promise<void>;
}

/** Injection token of {@link ObservabilityAccess}. */
export const OBSERVABILITY_ACCESS = Symbol.for('strata.observability.Access');
