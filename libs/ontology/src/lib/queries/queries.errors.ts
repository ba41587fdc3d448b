import { OntologyError } from '../ontology.errors';

export interface QueryIssue {
  path: string;
  message: string;
}

/** A query, traversal, aggregation or search the caller must fix (unknown type or property, wrong value type…). */
export class InvalidOntologyQueryError extends OntologyError {
  constructor(issues: QueryIssue[]) {
    super('ontology.invalid_query', 'invalid_argument', `Invalid query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { details: { issues } });
  }
}

/** The database cancelled the query at its statement timeout. */
export class OntologyQueryTimeoutError extends OntologyError {
  constructor(timeoutMs: number) {
    super('ontology.query_timeout', 'resource_exhausted', `The query ran longer than ${timeoutMs} ms and was cancelled; narrow the start set, the hops or the filters.`, {
      details: { timeoutMs },
    });
  }
}

/** A policy condition on OntologyObject that graph queries cannot turn into SQL: refused rather than ignored. */
export class UnsupportedObjectPolicyError extends OntologyError {
  constructor(reason: string) {
    super('ontology.unsupported_object_policy', 'failed_precondition', `The tenant's read policy for OntologyObject uses ${reason}; queries refuse to run rather than ignore it.`);
  }
}
