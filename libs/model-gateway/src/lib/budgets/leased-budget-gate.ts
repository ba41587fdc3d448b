import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, type Clock } from '@strata/kernel';
import type { ActualUsage, BudgetGate, BudgetReservation, BudgetScope, UsageEstimate } from '../gateway/gateway.contract';
import { actualAmount, estimatedAmount, meterWindow, type BudgetDefinition, type Meter } from './budget-meter';
import { BudgetLedgerStore } from './budget-ledger.store';
import { windowBounds } from './budget-window';
import { BudgetExceededError, BudgetUnavailableError } from './budgets.errors';
import { LeaseAccount } from './lease-account';

export interface BudgetGateOptions {
  /** How often settled use is written and idle leases returned. */
  flushIntervalMs: number;
  /** How long budget definitions are cached per tenant (changes made through another process show after this). */
  definitionsTtlMs: number;
  /** A lease not used for this long is returned to the database (so other processes can have it). */
  leaseIdleMs: number;
  /** A lease asks for at least this many times the call's need (the first lease of a window, and quiet windows). */
  leaseChunkFactor: number;
  /**
   * A lease of a busy window asks for this long of its observed demand (what was reserved since the
   * previous lease, per millisecond), so a steady stream goes to the database about once per
   * horizon per meter. Always capped by a quarter of what is left (the database decides).
   */
  leaseHorizonMs: number;
}

/**
 * Demand is measured over at least this long: calls released together would otherwise read as an
 * enormous rate (50 calls in 1 ms = 50,000 calls/s) and one lease would take a quarter of the budget.
 */
const MIN_DEMAND_SPAN_MS = 100;

export const BUDGET_GATE_OPTIONS = Symbol('BUDGET_GATE_OPTIONS');

export const DEFAULT_BUDGET_GATE_OPTIONS: BudgetGateOptions = { flushIntervalMs: 250, definitionsTtlMs: 5_000, leaseIdleMs: 2_000, leaseChunkFactor: 10, leaseHorizonMs: 1_000 };

/** A meter window of a budget, as this process holds it. */
interface Window {
  key: string;
  budget: BudgetDefinition;
  meter: Meter;
  limit: number;
  start: Date;
  end: Date;
  account: LeaseAccount;
  /** Serialises lease acquisition, so concurrent calls wait for one database trip rather than each making one. */
  leasing: Promise<unknown>;
  lastLeaseMs: number;
  /** Reserved in this window since the last lease: the demand the next lease is sized to. */
  reservedSinceLease: number;
}

interface Hold {
  window: Window;
  amount: number;
}

interface CachedDefinitions {
  budgets: BudgetDefinition[];
  loadedAt: number;
  refreshing?: Promise<BudgetDefinition[]>;
}

const NO_OP_RESERVATION: BudgetReservation = { settle: () => undefined, release: () => undefined };

/**
 * The budget gate: reserves from in-memory leases taken atomically from the database, settles in
 * batches. The hot path does no database work while the process's lease covers the call; a
 * lease is one UPDATE that only succeeds while `used + leased + need <= limit`, so every process
 * on the database together never holds more than the limit. See the README, "Budgets and limits".
 */
@Injectable()
export class LeasedBudgetGate implements BudgetGate, OnModuleDestroy {
  private readonly logger = new Logger('BudgetGate');
  private readonly options: BudgetGateOptions;
  private readonly definitions = new Map<string, CachedDefinitions>();
  private readonly windows = new Map<string, Window>();
  private readonly knownRows = new Set<string>();
  private flushing: Promise<void> | undefined;
  private lastPurgeMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: BudgetLedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(BUDGET_GATE_OPTIONS) options?: Partial<BudgetGateOptions>,
  ) {
    this.options = { ...DEFAULT_BUDGET_GATE_OPTIONS, ...options };
    // The first purge a minute after start, not on the first tick: that may come before the
    // database is migrated (a fresh database logged "relation does not exist" on every start).
    this.lastPurgeMs = this.clock.now().getTime();
    if (this.options.flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.flush(false), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  async reserve(scope: BudgetScope, estimate: UsageEstimate): Promise<BudgetReservation> {
    const budgets = (await this.definitionsFor(scope.tenantId)).filter((budget) => applies(budget, scope));
    if (!budgets.length) return NO_OP_RESERVATION;
    const now = this.clock.now();
    const holds: Hold[] = [];
    try {
      for (const budget of budgets) {
        for (const [meter, limit] of Object.entries(budget.limits) as Array<[Meter, number]>) {
          holds.push(await this.hold(budget, meter, limit, estimatedAmount(meter, estimate), now));
        }
      }
    } catch (error) {
      for (const hold of holds) hold.window.account.release(hold.amount);
      throw error;
    }
    return this.reservation(holds);
  }

  /**
   * Drops the cached definitions of a tenant (called after a budget changes in this process) and
   * returns its unused leases, so a lowered limit applies from the next lease on.
   */
  invalidate(tenantId: string): void {
    this.definitions.delete(tenantId);
    for (const window of this.windows.values()) if (window.budget.tenantId === tenantId) window.account.lastActivityMs = Number.NEGATIVE_INFINITY;
    void this.flush(false);
  }

  /** Writes settled use; with `returnAll`, also every unused lease (shutdown, tests). */
  flush(returnAll: boolean): Promise<void> {
    const previous = this.flushing ?? Promise.resolve();
    const next = previous.then(() => this.flushOnce(returnAll));
    this.flushing = next.finally(() => {
      if (this.flushing === next) this.flushing = undefined;
    });
    return next;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  private reservation(holds: Hold[]): BudgetReservation {
    let done = false;
    return {
      settle: (actual: ActualUsage) => {
        if (done) return;
        done = true;
        const nowMs = this.clock.now().getTime();
        for (const hold of holds) hold.window.account.settle(hold.amount, actualAmount(hold.window.meter, actual), nowMs);
      },
      release: () => {
        if (done) return;
        done = true;
        for (const hold of holds) hold.window.account.release(hold.amount);
      },
    };
  }

  private async hold(budget: BudgetDefinition, meter: Meter, limit: number, amount: number, now: Date): Promise<Hold> {
    const window = this.windowFor(budget, meter, limit, now);
    const nowMs = now.getTime();
    if (window.account.tryReserve(amount, nowMs)) {
      window.reservedSinceLease += amount;
      return { window, amount };
    }
    const acquired = window.leasing.then(async () => {
      if (window.account.tryReserve(amount, nowMs)) {
        window.reservedSinceLease += amount;
        return;
      }
      const need = amount - window.account.available();
      const granted = await this.lease(window, need, Math.max(need, this.leaseSize(window, amount, nowMs)));
      if (granted === null) throw this.exceeded(window, now);
      window.account.addGrant(granted);
      if (!window.account.tryReserve(amount, nowMs)) throw this.exceeded(window, now);
      window.reservedSinceLease += amount;
    });
    window.leasing = acquired.catch(() => undefined);
    await acquired;
    return { window, amount };
  }

  /**
   * What a lease asks for: `leaseHorizonMs` of the demand observed since the previous lease when
   * that lease was recent, else `leaseChunkFactor` calls like this one. Sized to demand rather than
   * growing geometrically, so one process's holding stays about a second of its own traffic.
   */
  private leaseSize(window: Window, amount: number, nowMs: number): number {
    const base = amount * this.options.leaseChunkFactor;
    const sinceLease = nowMs - window.lastLeaseMs;
    const demand = sinceLease < this.options.leaseIdleMs ? (window.reservedSinceLease / Math.max(sinceLease, MIN_DEMAND_SPAN_MS)) * this.options.leaseHorizonMs : 0;
    window.lastLeaseMs = nowMs;
    window.reservedSinceLease = 0;
    return Math.min(Math.max(base, Math.ceil(demand)), window.limit);
  }

  private async lease(window: Window, need: number, want: number): Promise<number | null> {
    const request = {
      budgetId: window.budget.id,
      tenantId: window.budget.tenantId,
      meter: window.meter,
      periodStart: window.start,
      periodEnd: window.end,
      limit: window.limit,
      need,
      want,
    };
    try {
      if (!this.knownRows.has(window.key)) {
        await this.store.ensureWindow(request);
        this.knownRows.add(window.key);
      }
      return await this.store.lease(request);
    } catch (error) {
      throw new BudgetUnavailableError(error);
    }
  }

  private exceeded(window: Window, now: Date): BudgetExceededError {
    return new BudgetExceededError({
      budgetId: window.budget.id,
      budgetName: window.budget.name,
      scope: window.budget.scope,
      scopeId: window.budget.scopeId,
      meter: window.meter,
      limit: window.limit,
      period: meterWindow(window.meter, window.budget.period),
      resetsAt: window.end.toISOString(),
      retryAfterMs: Math.max(0, window.end.getTime() - now.getTime()),
    });
  }

  private windowFor(budget: BudgetDefinition, meter: Meter, limit: number, now: Date): Window {
    const bounds = windowBounds(meterWindow(meter, budget.period), now);
    const key = `${budget.id}|${meter}|${bounds.start.getTime()}`;
    let window = this.windows.get(key);
    if (!window) {
      window = {
        key,
        budget,
        meter,
        limit,
        start: bounds.start,
        end: bounds.end,
        account: new LeaseAccount(now.getTime()),
        leasing: Promise.resolve(),
        lastLeaseMs: Number.NEGATIVE_INFINITY,
        reservedSinceLease: 0,
      };
      this.windows.set(key, window);
    }
    // A changed limit applies from the next lease on.
    window.budget = budget;
    window.limit = limit;
    return window;
  }

  private async definitionsFor(tenantId: string): Promise<BudgetDefinition[]> {
    const cached = this.definitions.get(tenantId);
    const nowMs = Date.now();
    if (cached && nowMs - cached.loadedAt < this.options.definitionsTtlMs) return cached.budgets;
    if (cached) {
      // Stale: serve the cached budgets and refresh in the background, off the request's path.
      cached.refreshing ??= this.loadDefinitions(tenantId).catch((error: unknown) => {
        this.logger.warn(`Could not refresh budgets of tenant ${tenantId}: ${String(error)}`);
        cached.refreshing = undefined;
        return cached.budgets;
      });
      return cached.budgets;
    }
    try {
      return await this.loadDefinitions(tenantId);
    } catch (error) {
      throw new BudgetUnavailableError(error);
    }
  }

  private async loadDefinitions(tenantId: string): Promise<BudgetDefinition[]> {
    const budgets = await this.store.definitions(tenantId);
    this.definitions.set(tenantId, { budgets, loadedAt: Date.now() });
    return budgets;
  }

  private async flushOnce(returnAll: boolean): Promise<void> {
    const nowMs = this.clock.now().getTime();
    const taken: Array<{ window: Window; flush: { used: number; freed: number } }> = [];
    for (const window of this.windows.values()) {
      const ended = window.end.getTime() <= nowMs;
      const idle = nowMs - window.account.lastActivityMs >= this.options.leaseIdleMs;
      const returnUnused = returnAll || ended || idle;
      if (window.account.pendingUsed === 0 && !(returnUnused && window.account.available() > 0)) {
        if (ended && window.account.isIdle()) this.forget(window);
        continue;
      }
      const flush = window.account.takeFlush(returnUnused);
      if (flush.used || flush.freed) taken.push({ window, flush });
    }
    if (taken.length) {
      try {
        await this.store.flush(
          taken.map(({ window, flush }) => ({ budgetId: window.budget.id, meter: window.meter, periodStart: window.start, ...flush })),
        );
      } catch (error) {
        for (const { window, flush } of taken) window.account.restore(flush);
        this.logger.warn(`Could not write budget usage (kept in memory, retried on the next flush): ${String(error)}`);
        return;
      }
    }
    for (const { window } of taken) if (window.end.getTime() <= nowMs && window.account.isIdle()) this.forget(window);
    if (nowMs - this.lastPurgeMs > 60_000) {
      this.lastPurgeMs = nowMs;
      await this.store.purgeMinuteWindows(new Date(nowMs - 3_600_000)).catch(() => undefined);
    }
  }

  private forget(window: Window): void {
    this.windows.delete(window.key);
    this.knownRows.delete(window.key);
  }
}

/** Tenant budgets apply to every call; key and agent budgets to calls made with that key or by that agent. */
function applies(budget: BudgetDefinition, scope: BudgetScope): boolean {
  switch (budget.scope) {
    case 'tenant':
      return true;
    case 'api_key':
      return budget.scopeId !== null && budget.scopeId === scope.apiKeyId;
    case 'agent':
      return budget.scopeId !== null && budget.scopeId === scope.agentId;
  }
}
