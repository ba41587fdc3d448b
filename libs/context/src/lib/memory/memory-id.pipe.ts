import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { MemoryNotFoundError } from './memory.errors';

/** A malformed id names nothing: 404 like an unknown or foreign one. */
@Injectable()
export class MemoryIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new MemoryNotFoundError(String(value));
    return value;
  }
}
