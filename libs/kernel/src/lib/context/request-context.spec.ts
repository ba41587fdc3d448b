import { describe, expect, it } from 'vitest';
import { RequestContextStore } from './request-context';
import { MissingRequestContextError } from '../errors/kernel.errors';

describe('RequestContextStore', () => {
  it('carries the context through awaits, timers and promise chains', async () => {
    const seen = await RequestContextStore.run({ requestId: 'r1', tenantId: 't1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const fromTimer = await new Promise<string | undefined>((resolve) =>
        setImmediate(() => resolve(RequestContextStore.current()?.tenantId)),
      );
      return [RequestContextStore.requireTenantId(), fromTimer];
    });
    expect(seen).toEqual(['t1', 't1']);
  });

  it('keeps concurrent flows apart', async () => {
    const flow = (tenantId: string, delay: number) =>
      RequestContextStore.run({ requestId: tenantId, tenantId }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return RequestContextStore.requireTenantId();
      });
    expect(await Promise.all([flow('a', 20), flow('b', 1), flow('c', 10)])).toEqual(['a', 'b', 'c']);
  });

  it('extends the current context without changing the outer one', () => {
    RequestContextStore.run({ requestId: 'r1' }, () => {
      const inner = RequestContextStore.with({ tenantId: 't9', purpose: 'fraud-review' }, () =>
        RequestContextStore.require(),
      );
      expect(inner).toMatchObject({ requestId: 'r1', tenantId: 't9', purpose: 'fraud-review' });
      expect(RequestContextStore.current()?.tenantId).toBeUndefined();
    });
  });

  it('refuses tenant-scoped access outside a tenant', () => {
    expect(() => RequestContextStore.requireTenantId()).toThrow(MissingRequestContextError);
    RequestContextStore.run({ requestId: 'r2' }, () => {
      expect(() => RequestContextStore.requireTenantId()).toThrow(/needs a tenant/);
    });
  });

  it('freezes the context so no layer mutates it behind the others', () => {
    RequestContextStore.run({ requestId: 'r3', tenantId: 't1' }, () => {
      const context = RequestContextStore.require() as { tenantId?: string };
      expect(() => {
        context.tenantId = 't2';
      }).toThrow(TypeError);
    });
  });

  it('lets authentication add to the context for the rest of the request, across awaits', async () => {
    await RequestContextStore.run({ requestId: 'r4' }, async () => {
      const authenticate = async () => {
        await Promise.resolve();
        RequestContextStore.update({ tenantId: 't7', actor: { type: 'user', id: 'u1', roles: ['viewer'] } });
      };
      await authenticate();
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(RequestContextStore.requireTenantId()).toBe('t7');
      expect(RequestContextStore.require().actor?.id).toBe('u1');
    });
    expect(() => RequestContextStore.update({ tenantId: 'x' })).toThrow(MissingRequestContextError);
  });
});
