import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HTTP_STATUS_BY_KIND, isDomainError, RequestContextStore } from '@strata/kernel';
import { HTTP_CODE_BY_STATUS } from './error-status';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}

/** Errors raised by Express's body parser carry a `type` and a client-error `status`. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
}

/**
 * Maps every failure to `{"error":{"code","message","details","requestId"}}`. Domain errors keep
 * their stable code; framework errors (unknown route, malformed or oversized body) get an `http.*`
 * code; anything else is a 500 whose details stay in the log, never in the response.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendApiError(http.getRequest<Request & { id?: string }>(), http.getResponse<Response>(), exception, this.logger);
  }
}

const fallbackLogger = new Logger('ApiExceptionFilter');

/**
 * Answers a failure in the API's envelope, as the global filter does for every Nest route; also
 * for requests served in front of Nest (the app's HTTP lanes). Logs what the client did not cause.
 */
export function sendApiError(request: Request & { id?: string }, response: Response, exception: unknown, logger: Logger = fallbackLogger): void {
  const requestId = RequestContextStore.current()?.requestId ?? (request.id ? String(request.id) : undefined);
  const { status, body } = toApiErrorResponse(exception, request);
  body.error.requestId = requestId;

  if (status >= 500) {
    logger.error({ err: exception, requestId, code: body.error.code }, 'request failed');
  }
  if (response.headersSent) {
    response.end();
    return;
  }
  const retryAfterMs = body.error.details?.['retryAfterMs'];
  if (status === 429 || status === 503) {
    // Clients (and the official SDKs) back off by the header, not by our details.
    if (typeof retryAfterMs === 'number' && retryAfterMs > 0) response.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
  }
  response.status(status).json(body);
}

function toApiErrorResponse(exception: unknown, request: Request): { status: number; body: ErrorBody } {
  if (isDomainError(exception)) {
    return {
      status: HTTP_STATUS_BY_KIND[exception.kind],
      body: { error: { code: exception.code, message: exception.message, details: exception.details } },
    };
  }

  // Nest wraps body-parser failures in an HttpException whose cause is the parser's error.
  const parserError = (exception instanceof HttpException ? exception.cause : exception) as BodyParserError;
  if (typeof parserError?.type === 'string' && typeof parserError.status === 'number') {
    return { status: parserError.status, body: { error: bodyParserError(parserError) } };
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404 && /^Cannot [A-Z]+ /.test(exception.message)) {
      return {
        status,
        body: { error: { code: 'http.not_found', message: `No route for ${request.method} ${request.path}.` } },
      };
    }
    const payload = exception.getResponse();
    const message =
      typeof payload === 'object' && payload !== null && 'message' in payload
        ? [payload.message].flat().join('; ')
        : exception.message;
    return {
      status,
      body: { error: { code: HTTP_CODE_BY_STATUS[status] ?? `http.status_${status}`, message } },
    };
  }

  return {
    status: 500,
    body: { error: { code: 'internal', message: 'An unexpected error occurred. It has been logged with the request id.' } },
  };
}

function bodyParserError(error: BodyParserError): ErrorBody['error'] {
  switch (error.type) {
    case 'entity.parse.failed':
      return { code: 'http.malformed_json', message: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return {
        code: 'http.payload_too_large',
        message: `The request body is larger than the limit of ${error.limit} bytes.`,
        details: { limitBytes: error.limit, receivedBytes: error.length },
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { code: 'http.unsupported_media_type', message: error.message };
    case 'request.aborted':
      return { code: 'http.request_aborted', message: 'The client aborted the request.' };
    default:
      return { code: HTTP_CODE_BY_STATUS[error.status ?? 400] ?? 'http.bad_request', message: error.message };
  }
}
