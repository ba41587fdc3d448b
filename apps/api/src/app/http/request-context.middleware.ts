import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { newId, RequestContextStore } from '@strata/kernel';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's X-Request-Id when it is safe to log, otherwise a new id. */
export function requestIdFor(request: Request & { id?: unknown }): string {
  if (typeof request.id === 'string' && request.id) return request.id;
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : newId();
}

/**
 * Express middleware, first in the chain: gives the request its id before anything (body parsing
 * included) can fail, so every response and log line carries it.
 */
export function assignRequestId(request: Request & { id?: unknown }, response: Response, next: NextFunction): void {
  const requestId = requestIdFor(request);
  request.id = requestId;
  response.setHeader('X-Request-Id', requestId);
  next();
}

/**
 * Opens the request context (AsyncLocalStorage) after body parsing: parser callbacks run outside
 * the context they were started in, so opening it earlier would lose it. for everything below the HTTP edge and echoes the request id.
 * Authentication (governance) later adds tenant, actor and purpose to this context.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(request: Request & { id?: unknown }, response: Response, next: NextFunction): void {
    const requestId = requestIdFor(request);
    request.id = requestId;
    if (!response.headersSent) response.setHeader('X-Request-Id', requestId);
    RequestContextStore.run({ requestId, ip: request.ip }, next);
  }
}
