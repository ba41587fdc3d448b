import { ContextError } from '../context.errors';

/** Unknown, foreign or unreadable memory: 404 (never 403, which would confirm it exists). */
export class MemoryNotFoundError extends ContextError {
  constructor(id: string) {
    super('context.memory_not_found', 'not_found', `No memory ${id.slice(0, 100)} in this tenant.`, { details: { id: id.slice(0, 100) } });
  }
}

/** Working memory of a session is full (keys or bytes), or a value is too large. */
export class WorkingMemoryFullError extends ContextError {
  constructor(message: string, details: Record<string, unknown>) {
    super('context.working_memory_full', 'resource_exhausted', message, { details });
  }
}

/** Bad memory input from a caller or a tool (key, content size). */
export class InvalidMemoryInputError extends ContextError {
  constructor(message: string, field: string) {
    super('context.invalid_memory', 'invalid_argument', message, { details: { field } });
  }
}

/** The embedding model returned no or mixed vectors for a memory. */
export class MemoryEmbeddingError extends ContextError {
  constructor(message: string) {
    super('context.memory_embedding_failed', 'unavailable', message);
  }
}
