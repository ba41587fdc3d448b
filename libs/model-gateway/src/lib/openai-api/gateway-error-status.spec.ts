import { HttpException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ModelGatewayError } from '../model-gateway.errors';
import { ProviderError } from '../providers/provider-error';
import { retryAfterHeaders, toApiFailure } from './gateway-error-status';
import { toOpenAiErrorResponse } from './openai-error';

describe('errors of /v1 routes', () => {
  it('maps the gateway’s kinds to statuses and keeps code and param', () => {
    const unknown = new ModelGatewayError('model-gateway.unknown_model', 'not_found', 'No model x. Available: fast.');
    expect(toOpenAiErrorResponse(toApiFailure(unknown))).toEqual({
      status: 404,
      headers: { 'x-should-retry': 'false' },
      body: { error: { message: 'No model x. Available: fast.', type: 'not_found_error', param: null, code: 'model-gateway.unknown_model' } },
    });
    const failed = new ModelGatewayError('model-gateway.all_providers_failed', 'bad_gateway', 'Tried a, b.');
    expect(toApiFailure(failed)).toMatchObject({ status: 502, internal: false });
  });

  it('sends Retry-After on 429s and tells the SDKs not to retry an exhausted budget', () => {
    const rate = new ModelGatewayError('model-gateway.rate_limited', 'resource_exhausted', 'slow down', { details: { retryAfterMs: 1500 } });
    expect(toOpenAiErrorResponse(toApiFailure(rate)).headers).toEqual({ 'retry-after': '2', 'retry-after-ms': '1500', 'x-should-retry': 'true' });
    const budget = new ModelGatewayError('model-gateway.budget_exceeded', 'resource_exhausted', 'spent', { details: { retryAfterMs: 3_600_000 } });
    const response = toOpenAiErrorResponse(toApiFailure(budget));
    expect(response.headers['x-should-retry']).toBe('false');
    expect(response.body.error.type).toBe('insufficient_quota');
    expect(retryAfterHeaders(undefined)).toEqual({});
  });

  it('classifies provider errors, body-parser errors and the unexpected', () => {
    expect(toApiFailure(new ProviderError('server', 'upstream 500', { status: 500 })).status).toBe(502);
    expect(toApiFailure(new ProviderError('rate_limited', 'slow', { retryAfterMs: 10 }))).toMatchObject({ status: 429, retryAfterMs: 10 });
    const parser = Object.assign(new Error('bad json'), { type: 'entity.parse.failed', status: 400 });
    expect(toApiFailure(new HttpException('Bad', 400, { cause: parser }))).toMatchObject({ status: 400, code: 'http.malformed_json' });
    expect(toApiFailure(new Error('client disconnected'))).toMatchObject({ status: 499, internal: false });
    const unexpected = toApiFailure(new TypeError('secret detail'));
    expect(unexpected).toMatchObject({ status: 500, internal: true });
    expect(unexpected.message).not.toContain('secret');
  });
});
