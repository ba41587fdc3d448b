/** Explicit bounds of tool calls (README "Tools"). */
export const TOOL_LIMITS = {
  /** Raw JSON arguments the model may send for one call. */
  argumentsBytes: 64 * 1024,
  /** Serialised output handed back to the runtime; beyond it the output is replaced by a marked preview. */
  outputBytes: 64 * 1024,
  /** Characters of the preview kept when output is cut. */
  previewChars: 8 * 1024,
  /** Wall time of one `read` or `external` call (transactional calls are bounded by their transaction). */
  callTimeoutMs: 30_000,
  /** Rows an ontology tool returns per call (the ontology's own limits are higher). */
  ontologyRowsMax: 100,
  /** HTTP tool: response body kept, redirects followed, request body sent, request timeout. */
  httpResponseBytes: 1024 * 1024,
  httpRedirectsMax: 5,
  httpRequestBodyBytes: 256 * 1024,
  httpTimeoutMs: 15_000,
  /** Action types looked at when resolving `ontology_action` references. */
  actionTypesScanned: 1000,
} as const;
