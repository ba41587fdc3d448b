import { Catch, Logger } from '@nestjs/common';
import type { ApiFailure } from './gateway-error-status';
import { toOpenAiErrorResponse } from './openai-error';
import { V1ApiErrorFilter, type V1ErrorResponse } from './v1-api-error.filter';

/**
 * Scoped to the OpenAI-compatible controller: every failure of those routes, including the global
 * authentication and authorization guards', renders in OpenAI's envelope so the official client
 * raises its typed errors (AuthenticationError, NotFoundError, RateLimitError...).
 */
@Catch()
export class OpenAiErrorFilter extends V1ApiErrorFilter {
  protected readonly logger = new Logger('OpenAiErrorFilter');

  protected render(failure: ApiFailure): V1ErrorResponse {
    return toOpenAiErrorResponse(failure);
  }
}
