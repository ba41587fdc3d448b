import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { ObjectNotFoundError } from './objects.errors';

/** A malformed id names nothing: 404 like an unknown or foreign one. */
@Injectable()
export class ObjectIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new ObjectNotFoundError(String(value));
    return value;
  }
}
