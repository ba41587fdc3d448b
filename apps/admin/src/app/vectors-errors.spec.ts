import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { vectorsNextStep } from './vectors-errors';

describe('vectors error next steps', () => {
  it('explains the layer’s own codes', () => {
    expect(vectorsNextStep(new ApiError(400, 'vectors.dimension_mismatch', 'x'))?.text).toContain('384');
    expect(vectorsNextStep(new ApiError(413, 'vectors.media_too_large', 'x'))?.text).toContain('limit');
    expect(vectorsNextStep(new ApiError(415, 'vectors.unsupported_media_type', 'x'))?.text).toContain('bytes decide');
  });

  it('hands gateway codes to the gateway’s next steps, with a link', () => {
    expect(vectorsNextStep(new ApiError(404, 'model-gateway.unknown_model', 'x'))?.link?.to).toBe('/models/catalog');
  });

  it('falls back on the status, and says nothing about non-API errors', () => {
    expect(vectorsNextStep(new ApiError(409, 'vectors.something_new', 'x'))?.text).toContain('reload');
    expect(vectorsNextStep(new ApiError(500, 'internal', 'x'))).toBeUndefined();
    expect(vectorsNextStep(new Error('x'))).toBeUndefined();
  });
});
