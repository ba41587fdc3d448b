import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { CollectionNotFoundError } from './collections.errors';

/** A malformed id names nothing: 404 like an unknown or foreign one. */
@Injectable()
export class CollectionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new CollectionNotFoundError(value);
    return value;
  }
}
