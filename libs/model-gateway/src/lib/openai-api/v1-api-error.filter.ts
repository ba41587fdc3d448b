import { Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequestContextStore } from '@strata/kernel';
import { toApiFailure, type ApiFailure } from './gateway-error-status';

/** What a wire format's envelope renders a failure to. */
export interface V1ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Shared plumbing of the /v1 error filters: classify the failure, log the unexpected with the
 * request id, give up quietly on a stream already started, and send the wire format's envelope.
 * Subclasses (OpenAI, Anthropic) only say how the envelope looks.
 */
export abstract class V1ApiErrorFilter implements ExceptionFilter {
  protected abstract readonly logger: Logger;

  protected abstract render(failure: ApiFailure, requestId: string | undefined): V1ErrorResponse;

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const failure = toApiFailure(exception);
    const requestId = RequestContextStore.current()?.requestId ?? (request.id ? String(request.id) : undefined);
    if (failure.internal) this.logger.error({ err: exception, requestId, code: failure.code }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    const { status, headers, body } = this.render(failure, requestId);
    response.status(status).set(headers).json(body);
  }
}
