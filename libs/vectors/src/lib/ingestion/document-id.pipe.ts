import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { DocumentNotFoundError } from './ingestion.errors';

/** A malformed id names nothing: 404 like an unknown or foreign one. */
@Injectable()
export class DocumentIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new DocumentNotFoundError(value);
    return value;
  }
}
