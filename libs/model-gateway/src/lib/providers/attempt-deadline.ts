/**
 * The per-attempt time limit plus the caller's abort signal, as one signal to hand to an SDK.
 *
 * A plain call is bounded as a whole (`timeoutMs` from the start). A stream is bounded by its
 * idle time: `touch()` on every received chunk restarts the clock, so a long answer that keeps
 * flowing is not cut, but a provider that stops sending for `timeoutMs` is.
 */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);
  private expired = false;

  constructor(
    readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the time limit (not the caller) ended the attempt. */
  get timedOut(): boolean {
    return this.expired && !this.callerSignal?.aborted;
  }

  get callerAborted(): boolean {
    return this.callerSignal?.aborted === true;
  }

  /** The error to throw when the caller aborted: its own reason, as `fetch` would. */
  callerAbortReason(): unknown {
    const reason = this.callerSignal?.reason;
    return reason instanceof Error ? reason : new DOMException('the caller aborted the request', 'AbortError');
  }

  /** Restarts the idle clock (a chunk arrived). */
  touch(): void {
    if (!this.expired) this.timer.refresh();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  /**
   * One plain call within a fresh deadline: whatever it throws goes through `classify` (the
   * adapter's mapping to ProviderError), and the timer is always released.
   */
  static async run<T>(
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    call: (deadline: AttemptDeadline) => Promise<T>,
    classify: (error: unknown, deadline: AttemptDeadline) => unknown,
  ): Promise<T> {
    const deadline = new AttemptDeadline(timeoutMs, callerSignal);
    try {
      return await call(deadline);
    } catch (error) {
      throw classify(error, deadline);
    } finally {
      deadline.dispose();
    }
  }

  /** A stream within a fresh deadline (started on the first read), classified and released like `run`. */
  static async *stream<T>(
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    open: (deadline: AttemptDeadline) => AsyncIterable<T>,
    classify: (error: unknown, deadline: AttemptDeadline) => unknown,
  ): AsyncIterable<T> {
    const deadline = new AttemptDeadline(timeoutMs, callerSignal);
    try {
      yield* open(deadline);
    } catch (error) {
      throw classify(error, deadline);
    } finally {
      deadline.dispose();
    }
  }
}
