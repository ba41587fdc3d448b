import { OntologyError } from '../ontology.errors';
import type { FieldError } from './property-validation';

export class UnknownObjectTypeError extends OntologyError {
  constructor(apiName: string) {
    super('ontology.unknown_object_type', 'not_found', `This tenant's ontology has no object type ${apiName}.`, { details: { apiName } });
  }
}

export class UnknownLinkTypeError extends OntologyError {
  constructor(apiName: string) {
    super('ontology.unknown_link_type', 'not_found', `This tenant's ontology has no link type ${apiName}.`, { details: { apiName } });
  }
}

export class SchemaVersionNotFoundError extends OntologyError {
  constructor(version: number) {
    super('ontology.schema_version_not_found', 'not_found', `This tenant has no schema version ${version}.`, { details: { version } });
  }
}

/** Values that do not fit their type: 400 with every failing field. */
export class ValidationFailedError extends OntologyError {
  constructor(errors: FieldError[], what = 'The values do not match the type') {
    super('ontology.validation_failed', 'invalid_argument', `${what}: ${errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`.slice(0, 2_000), {
      details: { errors },
    });
  }
}

/** A proposed schema change that is invalid or would break existing data; `details.report` explains each change. */
export class SchemaChangeRejectedError extends OntologyError {
  constructor(report: unknown, message: string) {
    super('ontology.schema_change_rejected', 'failed_precondition', message, { details: { report } });
  }
}
