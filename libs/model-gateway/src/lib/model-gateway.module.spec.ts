import { describe, expect, it } from 'vitest';
import { ModelGatewayError } from './model-gateway.errors';

describe('ModelGatewayModule', () => {
  it('raises errors with codes of this layer', () => {
    const error = new ModelGatewayError('model-gateway.example', 'not_found', 'Example not found.');
    expect(error.code).toBe('model-gateway.example');
    expect(error.kind).toBe('not_found');
  });
});
