/**
 * Decides whether prompt and completion content may be recorded on spans, and redacts it first.
 * Observability sits below the model gateway and governance, so it defines this port and they
 * register an implementation under {@link CONTENT_POLICY} (tenant opt-in from governance settings,
 * guardrail redaction from the gateway). Without one, content is never recorded.
 */
export interface ContentPolicy {
  /** Whether this tenant opted in to recording message and tool content in its traces. */
  recordContent(tenantId: string): boolean | Promise<boolean>;
  /** Applied to every piece of text before it is put on a span (secrets, personal data). */
  redact(text: string): string;
}

/** Injection token of {@link ContentPolicy}. */
export const CONTENT_POLICY = Symbol.for('strata.observability.ContentPolicy');

/** The safe default: records nothing, and would redact everything if asked. */
export const NEVER_RECORD_CONTENT: ContentPolicy = Object.freeze({
  recordContent: () => false,
  redact: () => '[redacted]',
});
