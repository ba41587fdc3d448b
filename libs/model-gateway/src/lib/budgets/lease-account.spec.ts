import { describe, expect, it } from 'vitest';
import { LeaseAccount } from './lease-account';

describe('LeaseAccount', () => {
  it('reserves only what the lease covers', () => {
    const account = new LeaseAccount(0);
    expect(account.tryReserve(10, 0)).toBe(false);
    account.addGrant(25);
    expect(account.tryReserve(10, 0)).toBe(true);
    expect(account.tryReserve(10, 0)).toBe(true);
    expect(account.tryReserve(10, 0)).toBe(false);
    expect(account.available()).toBe(5);
  });

  it('settling frees the unused part of the estimate', () => {
    const account = new LeaseAccount(0);
    account.addGrant(100);
    account.tryReserve(80, 0);
    account.settle(80, 30, 1);
    expect(account.available()).toBe(70);
    expect(account.tryReserve(70, 1)).toBe(true);
  });

  it('a flush consumes the settled use from the lease and, when asked, returns the unused lease', () => {
    const account = new LeaseAccount(0);
    account.addGrant(100);
    account.tryReserve(40, 0);
    account.tryReserve(20, 0);
    account.settle(40, 25, 0);
    // granted 100, reserved 20 (in flight), pending 25
    expect(account.takeFlush(false)).toEqual({ used: 25, freed: 25 });
    expect(account.granted).toBe(75);
    expect(account.available()).toBe(55);
    expect(account.takeFlush(true)).toEqual({ used: 0, freed: 55 });
    expect(account.granted).toBe(20); // still backs the call in flight
    account.settle(20, 20, 0);
    expect(account.takeFlush(true)).toEqual({ used: 20, freed: 20 });
    expect(account.isIdle()).toBe(true);
  });

  it('an overrun is written as used without taking lease that backs other calls', () => {
    const account = new LeaseAccount(0);
    account.addGrant(50);
    account.tryReserve(30, 0);
    account.tryReserve(20, 0);
    account.settle(30, 45, 0); // used 15 more than estimated
    expect(account.takeFlush(false)).toEqual({ used: 45, freed: 30 });
    expect(account.granted).toBe(20);
    expect(account.reserved).toBe(20);
  });

  it('restores a flush the database did not take', () => {
    const account = new LeaseAccount(0);
    account.addGrant(10);
    account.tryReserve(10, 0);
    account.settle(10, 4, 0);
    const flush = account.takeFlush(true);
    account.restore(flush);
    expect(account.granted).toBe(10);
    expect(account.pendingUsed).toBe(4);
  });
});
