import { BadRequestException, Logger, type ArgumentsHost } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError, RequestContextStore } from '@strata/kernel';
import { ApiExceptionFilter, type ErrorBody } from './api-exception.filter';

function run(exception: unknown, requestId = 'req-1') {
  const sent: { status?: number; body?: ErrorBody; headers: Record<string, string> } = { headers: {} };
  const response = {
    headersSent: false,
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
      return this;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: ErrorBody) {
      sent.body = body;
      return this;
    },
    end() {
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ method: 'POST', path: '/things', id: requestId }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

describe('ApiExceptionFilter', () => {
  // 500s are logged by design; keep the test output clean.
  beforeAll(() => Logger.overrideLogger(false));

  it('maps a domain error kind to its status and keeps the stable code and details', () => {
    const error = new DomainError('governance.approval_expired', 'conflict', 'The approval expired.', {
      details: { approvalId: 'a1' },
    });
    expect(run(error)).toEqual({
      headers: {},
      status: 409,
      body: {
        error: { code: 'governance.approval_expired', message: 'The approval expired.', details: { approvalId: 'a1' }, requestId: 'req-1' },
      },
    });
  });

  it.each([
    ['invalid_argument', 400],
    ['unauthenticated', 401],
    ['permission_denied', 403],
    ['not_found', 404],
    ['payload_too_large', 413],
    ['resource_exhausted', 429],
    ['unavailable', 503],
    ['bad_gateway', 502],
  ] as const)('answers %s with %i', (kind, status) => {
    expect(run(new DomainError(`test.${kind}`, kind, 'x')).status).toBe(status);
  });

  it('tells a throttled client when to retry, in whole seconds', () => {
    const sent = run(new DomainError('model-gateway.rate_limited', 'resource_exhausted', 'Slow down.', { details: { retryAfterMs: 1200 } }));
    expect(sent.status).toBe(429);
    expect(sent.headers['Retry-After']).toBe('2');
    expect(run(new DomainError('test.conflict', 'conflict', 'x', { details: { retryAfterMs: 1200 } })).headers).toEqual({});
  });

  it('hides unexpected errors behind a generic 500', () => {
    const sent = run(new TypeError('Cannot read properties of undefined (reading "secret")'));
    expect(sent.status).toBe(500);
    expect(sent.body?.error.code).toBe('internal');
    expect(JSON.stringify(sent.body)).not.toContain('secret');
  });

  it('prefers the request id of the request context', () => {
    const sent = RequestContextStore.run({ requestId: 'ctx-9' }, () => run(new BadRequestException('nope'), 'other'));
    expect(sent.body?.error).toEqual({ code: 'http.bad_request', message: 'nope', requestId: 'ctx-9' });
  });

  it('names body-parser failures precisely', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, limit: 1024, length: 5000 });
    expect(run(tooLarge).body?.error).toMatchObject({ code: 'http.payload_too_large', details: { limitBytes: 1024 } });
    const malformed = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(run(new BadRequestException('Unexpected token', { cause: malformed })).body?.error.code).toBe('http.malformed_json');
  });
});
