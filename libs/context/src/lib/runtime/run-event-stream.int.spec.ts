import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { RunEventBus } from './run-event-bus';
import { RunEventStream } from './run-event-stream';
import { RuntimeRepository } from './runtime.repository';
import type { RunEventType, RunEventView } from './run.contract';

interface Received {
  id: string | null;
  type: string;
  seq: number | null;
}

/**
 * The SSE stream against the real database and a real HTTP connection: catch-up from the table,
 * events from the in-process bus written as delivered (no read per event), a gap or a repeat in
 * the bus repaired from the table, events written by another process found by the poll.
 */
describe('RunEventStream (database, HTTP)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let repository: RuntimeRepository;
  let bus: RunEventBus;
  let server: Server;
  let base: string;
  const tenantId = newId();
  let runId: string;

  /** A durable event as a checkpoint writes it: the row (and the run's counter), then its view. */
  const insertEvent = async (seq: number, type: RunEventType, data: Record<string, unknown> = {}): Promise<RunEventView> => {
    const at = new Date();
    await db.query('INSERT INTO context_run_event (id, tenant_id, run_id, seq, type, data, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [newId(), tenantId, runId, seq, type, JSON.stringify(data), at]);
    await db.query('UPDATE context_run SET next_event_seq = $2 WHERE id = $1', [runId, seq + 1]);
    return { seq, runId, type, data, at: at.toISOString() };
  };

  /** Opens the stream and collects its events until it ends; `opened` resolves once headers arrived. */
  const open = async (after = 0) => {
    const response = await fetch(`${base}/runs/${runId}/events?after=${after}`);
    const received: Received[] = [];
    const done = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) continue;
          const fields = Object.fromEntries(frame.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
          const event = JSON.parse(fields['data'] as string) as RunEventView;
          received.push({ id: fields['id'] ?? null, type: fields['event'] as string, seq: event.seq });
        }
      }
      return received;
    })();
    return { received, done };
  };

  const until = async (condition: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the stream');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = new PrismaService(db.runtime);
    repository = new RuntimeRepository(prisma);
    bus = new RunEventBus();
    const stream = new RunEventStream(repository, bus);
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const id = url.pathname.split('/')[2] as string;
      void RequestContextStore.run({ requestId: newId(), tenantId }, () => stream.stream(id, Number(url.searchParams.get('after') ?? 0), request, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await prisma?.$disconnect();
    await db?.close();
  });

  beforeEach(async () => {
    runId = newId();
    await db.query(
      `INSERT INTO context_run (id, tenant_id, session_id, agent_id, agent_version, agent_name, spec, status, purpose, on_behalf_of_type, on_behalf_of_id,
         on_behalf_of_roles, input_message_id, input, next_event_seq)
       VALUES ($1, $2, $3, $4, 1, 'a', '{}', 'running', 'support', 'user', $5, '{}', $6, 'go', 1)`,
      [runId, tenantId, newId(), newId(), newId(), newId()],
    );
  });

  it('catches up from the table, then writes the bus’s events in sequence without reading them back', async () => {
    await insertEvent(1, 'run.status');
    await insertEvent(2, 'step.started', { stepIndex: 0 });
    const reads = vi.spyOn(repository, 'eventsAfter');
    const { received, done } = await open(1);
    await until(() => received.length === 1);
    const readsAfterCatchUp = reads.mock.calls.length;

    bus.publish({ seq: null, runId, type: 'model.delta', data: { stepIndex: 0, text: 'hel' }, at: new Date().toISOString() });
    bus.publish(await insertEvent(3, 'step.completed', { stepIndex: 0 }));
    bus.publish(await insertEvent(4, 'run.completed', { output: 'hello' }));
    expect(await done).toEqual([
      { id: '2', type: 'step.started', seq: 2 },
      { id: null, type: 'model.delta', seq: null },
      { id: '3', type: 'step.completed', seq: 3 },
      { id: '4', type: 'run.completed', seq: 4 },
    ]);
    expect(reads.mock.calls.length).toBe(readsAfterCatchUp);
    reads.mockRestore();
  });

  it('repairs a gap in the bus from the table and skips an event it already wrote', async () => {
    await insertEvent(1, 'run.status');
    const { received, done } = await open(0);
    await until(() => received.length === 1);
    await insertEvent(2, 'step.started', { stepIndex: 0 }); // committed, its publication not yet delivered
    const third = await insertEvent(3, 'step.completed', { stepIndex: 0 });
    bus.publish(third); // delivered first: seq 2 is missing, so the table is read
    await until(() => received.length === 3);
    bus.publish({ seq: 2, runId, type: 'step.started', data: { stepIndex: 0 }, at: new Date().toISOString() }); // late: already written
    bus.publish(await insertEvent(4, 'run.failed', { code: 'limits.max_steps' }));
    expect((await done).map((event) => event.seq)).toEqual([1, 2, 3, 4]);
  });

  it('finds events another process wrote (nothing published here) by its poll, and ends with the run', async () => {
    const { received, done } = await open(0);
    await insertEvent(1, 'run.status');
    await until(() => received.length === 1);
    await insertEvent(2, 'run.completed', { output: 'done elsewhere' });
    expect((await done).map((event) => [event.seq, event.type])).toEqual([
      [1, 'run.status'],
      [2, 'run.completed'],
    ]);
  });

  it('ends the stream of a run that ended without a terminal event in sight', async () => {
    await insertEvent(1, 'run.status');
    const { done } = await open(1);
    await db.query(`UPDATE context_run SET status = 'cancelled' WHERE id = $1`, [runId]);
    expect(await done).toEqual([]);
  });
});
