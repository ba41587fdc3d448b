/** Weight of the newest observation in the moving average (about the last 10 calls dominate). */
const SMOOTHING = 0.2;
/** Endpoints remembered (least recently updated dropped first). */
const MAX_ENDPOINTS = 50_000;

/**
 * Exponentially weighted moving average of observed latency per endpoint (provider + model), for
 * the lowest-latency strategy. Time to the first event for streams, whole call otherwise. In memory,
 * per process: each node learns from its own traffic.
 */
export class LatencyTracker {
  private readonly averages = new Map<string, number>();

  observe(endpoint: string, latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    const previous = this.averages.get(endpoint);
    this.averages.delete(endpoint);
    this.averages.set(endpoint, previous === undefined ? latencyMs : previous + SMOOTHING * (latencyMs - previous));
    if (this.averages.size > MAX_ENDPOINTS) this.averages.delete(this.averages.keys().next().value as string);
  }

  /** Undefined until the endpoint has answered once. */
  average(endpoint: string): number | undefined {
    return this.averages.get(endpoint);
  }
}

export function endpointKey(providerId: string, providerModelId: string): string {
  return `${providerId}\u0000${providerModelId}`;
}
