import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@strata/kernel';
import { AgentNotFoundError } from './agents.errors';

/** A malformed id names no agent: 404 like an unknown or foreign one. */
@Injectable()
export class AgentIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new AgentNotFoundError(String(value));
    return value;
  }
}
