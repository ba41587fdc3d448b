import { OntologyError } from '../ontology.errors';

export class ObjectNotFoundError extends OntologyError {
  constructor(id: string) {
    super('ontology.object_not_found', 'not_found', `No object with id ${id.slice(0, 64)} in this tenant.`, { details: { id: id.slice(0, 64) } });
  }
}

/** Optimistic concurrency: the object changed since the caller read it. */
export class VersionConflictError extends OntologyError {
  constructor(id: string, expectedVersion: number, actualVersion: number) {
    super(
      'ontology.version_conflict',
      'conflict',
      `Object ${id} is at version ${actualVersion}, not ${expectedVersion}: someone changed it. Read it again and reapply your change.`,
      { details: { id, expectedVersion, actualVersion } },
    );
  }
}

/** Restore needs a soft-deleted object. */
export class ObjectNotDeletedError extends OntologyError {
  constructor(id: string) {
    super('ontology.object_not_deleted', 'conflict', `Object ${id} is not deleted; only a deleted object can be restored.`, { details: { id } });
  }
}
