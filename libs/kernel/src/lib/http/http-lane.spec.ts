import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { pathFor } from './http-lane';

const request = (method: string, url: string) => ({ method, url }) as IncomingMessage;

describe('pathFor', () => {
  it('is the path without its query for the given method, undefined for another method', () => {
    expect(pathFor(request('POST', '/vectors/collections/a/search?x=1'), 'POST')).toBe('/vectors/collections/a/search');
    expect(pathFor(request('POST', '/v1/messages'), 'POST')).toBe('/v1/messages');
    expect(pathFor(request('GET', '/v1/messages'), 'POST')).toBeUndefined();
    expect(pathFor({ method: 'POST' } as IncomingMessage, 'POST')).toBe('');
  });
});
