import { ModelGatewayError } from '../model-gateway.errors';

export class CatalogRecordNotFoundError extends ModelGatewayError {
  constructor(what: 'provider' | 'model' | 'alias', id: string) {
    super('model-gateway.not_found', 'not_found', `No model ${what === 'model' ? 'catalog model' : what} with id ${id.slice(0, 64)} in this tenant.`, {
      details: { kind: what, id: id.slice(0, 64) },
    });
  }
}

export class CatalogNameTakenError extends ModelGatewayError {
  constructor(what: 'provider' | 'model' | 'alias', name: string) {
    super('model-gateway.already_exists', 'conflict', `A ${what === 'model' ? 'catalog model' : what} named ${name} already exists in this tenant.`, {
      details: { kind: what, name },
    });
  }
}

export class CatalogInUseError extends ModelGatewayError {
  constructor(what: 'provider' | 'model' | 'alias', name: string, usedBy: { kind: 'model' | 'alias' | 'settings'; names: string[] }) {
    super(
      'model-gateway.in_use',
      'conflict',
      `The ${what === 'model' ? 'catalog model' : what} ${name} is still used by ${usedBy.kind === 'settings' ? 'the gateway settings' : `${usedBy.kind === 'model' ? 'catalog models' : 'aliases'} ${usedBy.names.join(', ')}`}; change or delete those first.`,
      { details: { name, usedBy } },
    );
  }
}

export class CatalogLimitError extends ModelGatewayError {
  constructor(what: string, limit: number) {
    super('model-gateway.limit_reached', 'resource_exhausted', `A tenant may have at most ${limit} ${what}.`, { details: { what, limit } });
  }
}

/** A body that is well-formed but does not fit the catalog (unknown target, operation mismatch, wrong credential type). */
export class InvalidCatalogInputError extends ModelGatewayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('model-gateway.invalid_catalog_input', 'invalid_argument', message, { details });
  }
}
