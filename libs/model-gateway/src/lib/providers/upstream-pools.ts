import { Pool } from 'undici';

/**
 * Keep-alive connection pools to provider endpoints, one per origin (scheme, host, port), shared
 * by every adapter and request of the process. Pipelining stays off (one request per connection at
 * a time: providers answer slowly and in order, a stalled answer would hold the ones queued behind
 * it). Connections idle for longer than the keep-alive timeout are closed by undici.
 *
 * Why not the global `fetch` (also undici): its WHATWG Request/Response/streams layer cost more CPU
 * per call than the rest of the passthrough (measured under the gateway benchmark); `Pool.request`
 * hands the body over as a Node stream, straight through.
 */
export class UpstreamPools {
  /** Distinct origins beyond this start the map over (closing the old pools once idle). */
  static readonly MAX_ORIGINS = 256;
  /** Connections per origin. */
  static readonly CONNECTIONS_PER_ORIGIN = 128;
  private static readonly pools = new Map<string, Pool>();

  static for(origin: string): Pool {
    let pool = UpstreamPools.pools.get(origin);
    if (!pool) {
      if (UpstreamPools.pools.size >= UpstreamPools.MAX_ORIGINS) {
        for (const old of UpstreamPools.pools.values()) void old.close().catch(() => undefined);
        UpstreamPools.pools.clear();
      }
      pool = new Pool(origin, { connections: UpstreamPools.CONNECTIONS_PER_ORIGIN, pipelining: 1, keepAliveTimeout: 30_000 });
      UpstreamPools.pools.set(origin, pool);
    }
    return pool;
  }
}
