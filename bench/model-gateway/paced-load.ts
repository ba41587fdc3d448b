/**
 * Open-loop load at an even pace (one request every 1000/rate ms, whatever the answers do), for
 * latency: each request's total time and its time to the first body chunk (for a stream, the first
 * event). Autocannon measures closed-loop throughput; its rate limiting sends in bursts, so the
 * paced latency runs use this instead. Plain `node:http` with keep-alive, the same client for
 * every target, so its own cost cancels out of "added" figures.
 */
import http from 'node:http';

export interface PacedTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface PacedResult {
  sent: number;
  failed: number;
  latencyMs: number[];
  firstChunkMs: number[];
  /** How late the sender was, at worst, against the schedule (a busy load generator shows here). */
  maxLagMs: number;
}

export async function pacedLoad(target: PacedTarget, rate: number, durationS: number): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(target.url);
  const total = Math.round(rate * durationS);
  const interval = 1000 / rate;
  const result: PacedResult = { sent: 0, failed: 0, latencyMs: [], firstChunkMs: [], maxLagMs: 0 };
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    result.maxLagMs = Math.max(result.maxLagMs, performance.now() - due);
    result.sent += 1;
    inFlight.push(one(agent, url, target, result));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return result;
}

function one(agent: http.Agent, url: URL, target: PacedTarget, result: PacedResult): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...target.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(target.body) } },
      (response) => {
        let first = true;
        let ok = response.statusCode === 200;
        response.on('data', () => {
          if (first) {
            first = false;
            result.firstChunkMs.push(performance.now() - started);
          }
        });
        response.on('end', () => {
          if (ok) result.latencyMs.push(performance.now() - started);
          else result.failed += 1;
          resolve();
        });
        response.on('error', () => {
          ok = false;
          result.failed += 1;
          resolve();
        });
      },
    );
    request.on('error', () => {
      result.failed += 1;
      resolve();
    });
    // Bounded: a request still unanswered after 30 s counts as failed.
    request.setTimeout(30_000, () => request.destroy(new Error('timed out')));
    request.end(target.body);
  });
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}
