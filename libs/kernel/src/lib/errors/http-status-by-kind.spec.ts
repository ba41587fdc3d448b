import { describe, expect, it } from 'vitest';
import { HTTP_STATUS_BY_KIND } from './http-status-by-kind';

describe('HTTP_STATUS_BY_KIND', () => {
  it('maps client mistakes to 4xx and platform or upstream failures to 5xx', () => {
    expect(HTTP_STATUS_BY_KIND.invalid_argument).toBe(400);
    expect(HTTP_STATUS_BY_KIND.unauthenticated).toBe(401);
    expect(HTTP_STATUS_BY_KIND.permission_denied).toBe(403);
    expect(HTTP_STATUS_BY_KIND.not_found).toBe(404);
    expect(HTTP_STATUS_BY_KIND.conflict).toBe(409);
    expect(HTTP_STATUS_BY_KIND.resource_exhausted).toBe(429);
    expect(HTTP_STATUS_BY_KIND.bad_gateway).toBe(502);
    expect(HTTP_STATUS_BY_KIND.unavailable).toBe(503);
    expect(HTTP_STATUS_BY_KIND.internal).toBe(500);
  });

  it('gives every kind a valid HTTP error status', () => {
    for (const status of Object.values(HTTP_STATUS_BY_KIND)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});
