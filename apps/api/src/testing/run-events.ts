/** Test support for the runtime's SSE stream: reads `GET /context/runs/:id/events` to its end. */
export interface SseEvent {
  id: number | null;
  event: string;
  data: { seq: number | null; type: string; data: Record<string, unknown> };
}

export async function readRunEvents(base: string, key: string, runId: string, options: { lastEventId?: number; after?: number; timeoutMs?: number } = {}): Promise<{ events: SseEvent[]; comments: number; status: number }> {
  const query = options.after === undefined ? '' : `?after=${options.after}`;
  const response = await fetch(`${base}/context/runs/${runId}/events${query}`, {
    headers: { authorization: `Bearer ${key}`, ...(options.lastEventId === undefined ? {} : { 'last-event-id': String(options.lastEventId) }) },
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  if (!response.ok || !response.body) return { events: [], comments: 0, status: response.status };
  const events: SseEvent[] = [];
  let comments = 0;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: number | null = null;
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments++;
        else if (line.startsWith('id: ')) id = Number(line.slice(4));
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) events.push({ id, event, data: JSON.parse(data) as SseEvent['data'] });
    }
  }
  return { events, comments, status: response.status };
}

/** Polls a run until `done(run)` holds (status checks), failing after `timeoutMs`. */
export async function waitForRun<T extends { status: string }>(get: () => Promise<T>, done: (run: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await get();
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
