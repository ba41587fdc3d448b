import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { gatewayNextStep } from './model-gateway-errors';

describe('gatewayNextStep', () => {
  it('points a missing provider to the providers page', () => {
    const step = gatewayNextStep(new ApiError(412, 'model-gateway.no_provider_configured', 'Configure a model provider.'));
    expect(step?.link?.to).toBe('/models/providers');
    expect(step?.link?.label).toBe('Configure a model provider');
  });

  it('knows the budget, guardrail and routing codes', () => {
    expect(gatewayNextStep(new ApiError(429, 'model-gateway.budget_exceeded', 'x'))?.link?.to).toBe('/models/usage');
    expect(gatewayNextStep(new ApiError(400, 'model-gateway.guardrail_blocked', 'x'))?.link?.to).toBe('/models/guardrails');
    expect(gatewayNextStep(new ApiError(404, 'model-gateway.unknown_model', 'x'))?.link?.to).toBe('/models/catalog');
    expect(gatewayNextStep(new ApiError(409, 'model-gateway.in_use', 'x'))?.link?.to).toBe('/models/catalog');
    expect(gatewayNextStep(new ApiError(502, 'model-gateway.all_routes_failed', 'x'))?.text).toContain('fallback');
  });

  it('says nothing about other errors', () => {
    expect(gatewayNextStep(new ApiError(400, 'validation.failed', 'x'))).toBeUndefined();
    expect(gatewayNextStep(new Error('boom'))).toBeUndefined();
  });
});
