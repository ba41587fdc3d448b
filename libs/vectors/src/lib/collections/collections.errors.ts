import { VectorsError } from '../vectors.errors';

export class CollectionNotFoundError extends VectorsError {
  constructor(idOrName: string) {
    super('vectors.collection_not_found', 'not_found', `No collection ${String(idOrName).slice(0, 100)} in this tenant.`);
  }
}

export class CollectionNameTakenError extends VectorsError {
  constructor(name: string) {
    super('vectors.collection_name_taken', 'conflict', `A collection named "${name}" already exists in this tenant.`, { details: { name } });
  }
}

export class CollectionVersionConflictError extends VectorsError {
  constructor(id: string, expectedVersion: number, actualVersion: number) {
    super('vectors.collection_version_conflict', 'conflict', `Collection ${id} is at version ${actualVersion}, not ${expectedVersion}: someone changed it. Read it again and reapply your change.`, {
      details: { expectedVersion, actualVersion },
    });
  }
}

/** The embedding alias returns vectors of another length than the collection declares. */
export class DimensionMismatchError extends VectorsError {
  constructor(alias: string, declared: number, actual: number) {
    super(
      'vectors.dimension_mismatch',
      'invalid_argument',
      `The embedding alias "${alias}" returns vectors of ${actual} dimensions, but the collection declares ${declared}.`,
      { details: { embeddingAlias: alias, dimensions: declared, modelDimensions: actual } },
    );
  }
}

export class CollectionHasDocumentsError extends VectorsError {
  constructor(fields: string[], documents: number) {
    super(
      'vectors.collection_has_documents',
      'conflict',
      `${fields.join(' and ')} cannot change while the collection holds documents (${documents}): their chunks were embedded with the current model. Create a new collection, or delete the documents first.`,
      { details: { fields, documents } },
    );
  }
}

export class UnknownTextSearchConfigError extends VectorsError {
  constructor(name: string) {
    super('vectors.unknown_text_search_config', 'invalid_argument', `PostgreSQL has no text search configuration "${name}" (e.g. simple, english, german).`, {
      details: { textSearchConfig: name },
    });
  }
}
