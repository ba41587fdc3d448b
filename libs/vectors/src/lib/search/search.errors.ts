import { VectorsError } from '../vectors.errors';

/**
 * The collection's embedding alias now returns vectors of another size than the collection's (the
 * alias was re-pointed to another model): searching would compare incomparable vectors.
 */
export class SearchDimensionMismatchError extends VectorsError {
  constructor(collectionId: string, alias: string, expected: number, actual: number) {
    super(
      'vectors.dimension_mismatch',
      'failed_precondition',
      `The collection's embedding alias "${alias}" now returns ${actual}-dimensional vectors, but the collection holds ${expected}-dimensional ones; point the alias back at a ${expected}-dimensional model or re-create the collection.`,
      { details: { collectionId, alias, expected, actual } },
    );
  }
}

/** A query vector in the request whose size differs from the collection's: a client's mistake (400). */
export class QueryVectorDimensionError extends VectorsError {
  constructor(collectionId: string, expected: number, actual: number) {
    super('vectors.query_dimension_mismatch', 'invalid_argument', `The query vector has ${actual} dimensions, but the collection holds ${expected}-dimensional vectors.`, {
      details: { collectionId, expected, actual },
    });
  }
}

/** A purpose in the request that differs from the one the request declared (X-Strata-Purpose). */
export class SearchPurposeConflictError extends VectorsError {
  constructor(requested: string, declared: string | undefined) {
    super(
      'vectors.purpose_conflict',
      'invalid_argument',
      declared
        ? `The search names purpose "${requested}" but the request declared "${declared}"; send one purpose, in the X-Strata-Purpose header.`
        : `The search names purpose "${requested}"; declare it in the X-Strata-Purpose header, where it is checked against the tenant's purposes.`,
      { details: { requested, declared: declared ?? null } },
    );
  }
}

/** A conditional read policy on VectorDocument that matches too many documents to apply as a list. */
export class DocumentPolicyTooBroadError extends VectorsError {
  constructor(limit: number) {
    super(
      'vectors.document_policy_too_broad',
      'failed_precondition',
      `The caller's read policy on VectorDocument is conditional and matches more than ${limit} documents of this collection; narrow the search with filter.documentIds or simplify the policy.`,
      { details: { limit } },
    );
  }
}

/** The database cancelled the search at its statement timeout. */
export class SearchTimeoutError extends VectorsError {
  constructor(timeoutMs: number) {
    super('vectors.search_timeout', 'resource_exhausted', `The search ran longer than ${timeoutMs} ms and was cancelled; narrow the filters or lower topK.`, {
      details: { timeoutMs },
    });
  }
}
