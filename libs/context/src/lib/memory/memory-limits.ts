// Its own module: tools and the memory API read these at load time, before memory.service.ts (which
// imports the tool layer indirectly) has finished evaluating.
/** Every bound of memory, explicit. */
export const MEMORY_LIMITS = {
  /** Characters of one long-term memory (a fact or an episode summary). */
  contentChars: 8_000,
  /** Memories recalled per step at most (the spec's recallTopK is ≤ 50). */
  recallTopK: 50,
  /** Characters of the recall query (the latest user message), the rest is cut. */
  queryChars: 4_000,
  workingKeys: 64,
  workingKeyPattern: /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/,
  /** Bytes of one working-memory value, serialised as JSON. */
  workingValueBytes: 4_096,
} as const;
