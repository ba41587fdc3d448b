/**
 * One process's share of one meter window: the lease it took from the database (`granted`), the
 * estimates of calls in flight (`reserved`) and what settled calls used but was not written yet
 * (`pendingUsed`). Plain arithmetic, no I/O: the gate serialises lease acquisition and flushes.
 *
 * Invariant: reserved + pendingUsed <= granted, except for the overrun of a call whose actual use
 * exceeded its estimate; that overrun is written to `used` without a lease, which is how a budget
 * can be exceeded by at most one call's excess.
 */
export class LeaseAccount {
  granted = 0;
  reserved = 0;
  pendingUsed = 0;
  lastActivityMs: number;

  constructor(nowMs: number) {
    this.lastActivityMs = nowMs;
  }

  available(): number {
    return this.granted - this.reserved - this.pendingUsed;
  }

  /** Takes `amount` from the local lease if it covers it. */
  tryReserve(amount: number, nowMs: number): boolean {
    if (amount > this.available()) return false;
    this.reserved += amount;
    this.lastActivityMs = nowMs;
    return true;
  }

  addGrant(amount: number): void {
    this.granted += amount;
  }

  settle(reservedAmount: number, actual: number, nowMs: number): void {
    this.reserved -= reservedAmount;
    this.pendingUsed += actual;
    this.lastActivityMs = nowMs;
  }

  release(reservedAmount: number): void {
    this.reserved -= reservedAmount;
  }

  /**
   * What the next flush writes: `used` to add to the window and `freed` to take off its `leased`
   * (the lease the settled use consumed, plus the unused lease when `returnUnused`). Taken out of
   * the account before the write, so concurrent reservations cannot spend what is being returned;
   * {@link restore} puts it back if the write fails.
   */
  takeFlush(returnUnused: boolean): { used: number; freed: number } {
    const used = this.pendingUsed;
    const consumed = Math.min(used, Math.max(0, this.granted - this.reserved));
    const unused = returnUnused ? Math.max(0, this.granted - consumed - this.reserved) : 0;
    this.pendingUsed = 0;
    this.granted -= consumed + unused;
    return { used, freed: consumed + unused };
  }

  restore(flush: { used: number; freed: number }): void {
    this.pendingUsed += flush.used;
    this.granted += flush.freed;
  }

  isIdle(): boolean {
    return this.granted === 0 && this.reserved === 0 && this.pendingUsed === 0;
  }
}
