import { describe, expect, it } from 'vitest';
import { safeNext } from './RequireSignIn';

describe('safeNext', () => {
  it('returns to a page of the admin app after sign-in', () => {
    expect(safeNext('/governance/audit?actionPrefix=policy.')).toBe('/governance/audit?actionPrefix=policy.');
  });

  it('never leaves the app', () => {
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
  });
});
