import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { OntologyError } from '../ontology.errors';
import { TYPE_API_NAME } from './property-definition';

/** `:id` of a type route: its id or its apiName. Anything else names nothing (404, like a foreign id). */
@Injectable()
export class TypeRefPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value) && !TYPE_API_NAME.test(value)) {
      throw new OntologyError('ontology.not_found', 'not_found', `No type ${String(value).slice(0, 64)} in this tenant.`);
    }
    return value;
  }
}
