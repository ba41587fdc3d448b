import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { OntologyError } from '../ontology.errors';

/** A malformed id names nothing: 404 like an unknown or another tenant's id. */
@Injectable()
export class ActionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new OntologyError('ontology.not_found', 'not_found', `Nothing with id ${String(value).slice(0, 64)} in this tenant.`);
    return value;
  }
}
