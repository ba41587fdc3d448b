import { Catch, Logger } from '@nestjs/common';
import type { ApiFailure } from '../openai-api/gateway-error-status';
import { V1ApiErrorFilter, type V1ErrorResponse } from '../openai-api/v1-api-error.filter';
import { toAnthropicErrorResponse } from './anthropic-error';

/**
 * Scoped to the Anthropic-compatible controller: every failure of its routes, the global guards'
 * included, renders in Anthropic's envelope so `@anthropic-ai/sdk` raises its typed errors.
 */
@Catch()
export class AnthropicErrorFilter extends V1ApiErrorFilter {
  protected readonly logger = new Logger('AnthropicErrorFilter');

  protected render(failure: ApiFailure, requestId: string | undefined): V1ErrorResponse {
    const { status, headers, body } = toAnthropicErrorResponse(failure);
    return { status, headers: { ...headers, ...(requestId ? { 'request-id': requestId } : {}) }, body };
  }
}
