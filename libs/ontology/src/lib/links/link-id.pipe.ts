import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { LinkNotFoundError } from './links.errors';

/** A malformed id names nothing: 404 like an unknown or foreign one. */
@Injectable()
export class LinkIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new LinkNotFoundError(String(value));
    return value;
  }
}
