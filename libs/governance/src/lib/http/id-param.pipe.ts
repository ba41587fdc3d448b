import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { GovernanceError } from '../governance.errors';

/** A malformed id names nothing: answer 404 like an unknown or foreign one, never a 400 or 500 that tells them apart. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new GovernanceError('governance.not_found', 'not_found', `Nothing with id ${String(value).slice(0, 64)} in this tenant.`);
    return value;
  }
}
