import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { ModelGatewayError } from '../model-gateway.errors';

/** A malformed id names nothing: 404 like an unknown or foreign one (budgets, guardrail rules). */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new ModelGatewayError('model-gateway.not_found', 'not_found', `Nothing with id ${String(value).slice(0, 64)} in this tenant.`);
    return value;
  }
}
