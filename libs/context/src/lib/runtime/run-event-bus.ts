import { Injectable } from '@nestjs/common';
import type { RunEventView } from './run.contract';

type Listener = (event: RunEventView) => void;

/**
 * In-process fan-out of run events to SSE streams: durable events right after their checkpoint
 * committed (streams also poll the table, so events written by a worker in another process arrive
 * too), and live `model.delta` events, which exist only in the process that calls the model.
 * Also carries "cancel requested" to the worker that runs the run here, so it aborts the model
 * call at once rather than at its next checkpoint.
 */
@Injectable()
export class RunEventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly cancelListeners = new Set<(runId: string) => void>();
  private readonly wakeListeners = new Set<() => void>();

  subscribe(runId: string, listener: Listener): () => void {
    let set = this.listeners.get(runId);
    if (!set) {
      set = new Set();
      this.listeners.set(runId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }

  publish(event: RunEventView): void {
    for (const listener of this.listeners.get(event.runId) ?? []) listener(event);
  }

  onCancel(listener: (runId: string) => void): () => void {
    this.cancelListeners.add(listener);
    return () => this.cancelListeners.delete(listener);
  }

  cancelRequested(runId: string): void {
    for (const listener of this.cancelListeners) listener(runId);
  }

  /** New work for the workers of this process (a queued run, a run resumed by an approval). */
  onWake(listener: () => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  wake(): void {
    for (const listener of this.wakeListeners) listener();
  }
}
