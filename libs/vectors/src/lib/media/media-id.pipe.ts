import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { MediaNotFoundError } from './media.errors';

/** A malformed id names nothing: 404 like an unknown or foreign one. */
@Injectable()
export class MediaIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new MediaNotFoundError(String(value));
    return value;
  }
}
