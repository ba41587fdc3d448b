import { OntologyError } from '../ontology.errors';
import type { FieldError } from '../schema/property-validation';

export class LinkNotFoundError extends OntologyError {
  constructor(id: string) {
    super('ontology.link_not_found', 'not_found', `No link with id ${id.slice(0, 64)} in this tenant.`, { details: { id: id.slice(0, 64) } });
  }
}

/** An endpoint is missing, deleted or of the wrong type: the link cannot exist (422-like). */
export class LinkEndpointInvalidError extends OntologyError {
  constructor(errors: FieldError[]) {
    super('ontology.link_endpoint_invalid', 'failed_precondition', errors.map((error) => `${error.path}: ${error.message}`).join('; '), { details: { errors } });
  }
}

export class CardinalityViolatedError extends OntologyError {
  constructor(linkTypeApiName: string, message: string, details: Record<string, unknown>) {
    super('ontology.cardinality_violated', 'conflict', `Link type ${linkTypeApiName}: ${message}`, { details: { linkTypeApiName, ...details } });
  }
}

export class LinkExistsError extends OntologyError {
  constructor(linkTypeApiName: string, fromId: string, toId: string, existingId: string) {
    super('ontology.link_exists', 'conflict', `A ${linkTypeApiName} link from ${fromId} to ${toId} already exists (${existingId}).`, {
      details: { linkTypeApiName, fromId, toId, existingId },
    });
  }
}

export class TooManyLinksError extends OntologyError {
  constructor(objectId: string, limit: number) {
    super('ontology.too_many_links', 'resource_exhausted', `Object ${objectId} has more than ${limit} live links; delete some before deleting it.`, {
      details: { objectId, limit },
    });
  }
}
