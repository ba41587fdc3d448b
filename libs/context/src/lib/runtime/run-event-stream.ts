import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { RunEventBus } from './run-event-bus';
import { isTerminal, RuntimeRepository } from './runtime.repository';
import { RUNTIME_LIMITS } from './runtime.schemas';
import { toEventView } from './run-views';
import type { RunEventView } from './run.contract';

/**
 * Streams a run's events as server-sent events: durable events after the client's last seen `seq`
 * (Last-Event-ID or `?after=`), each with `id: <seq>`; live `model.delta` events (no id) while the
 * model streams in this process; a heartbeat comment when idle; the stream ends after the run's
 * terminal event.
 *
 * The table is read to catch up: when the stream opens, when the in-process bus hands over an
 * event that is not the next in sequence (a gap: events written elsewhere, or published out of
 * commit order), and on a short poll for events a worker in another process wrote. The next
 * durable event in sequence is written as the bus delivered it, right after its checkpoint
 * committed, so a watched run costs no read per event.
 */
@Injectable()
export class RunEventStream {
  constructor(
    private readonly repository: RuntimeRepository,
    private readonly bus: RunEventBus,
  ) {}

  async stream(runId: string, after: number, request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    let closed = false;
    let ended = false;
    let last = after;
    let lastWrite = Date.now();
    let wakeUp: (() => void) | undefined;
    const delivered: RunEventView[] = [];
    const wake = () => {
      const resolve = wakeUp;
      wakeUp = undefined;
      resolve?.();
    };
    const onClose = () => {
      closed = true;
      wake();
    };
    request.once('close', onClose);
    response.once('close', onClose);
    // Subscribed before the first read, so nothing committed in between is missed (repeats are skipped by seq).
    const unsubscribe = this.bus.subscribe(runId, (event) => {
      delivered.push(event);
      wake();
    });
    const write = (text: string) => {
      if (!closed && !response.writableEnded) response.write(text);
      lastWrite = Date.now();
    };
    const send = (event: RunEventView) => {
      if (event.seq === null) {
        write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        return;
      }
      write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      last = event.seq;
      if (event.type === 'run.completed' || event.type === 'run.failed') ended = true;
    };
    const catchUp = async () => {
      for (;;) {
        const rows = await this.repository.eventsAfter(runId, last, RUNTIME_LIMITS.eventsPerRead);
        for (const row of rows) send(toEventView(row));
        if (rows.length < RUNTIME_LIMITS.eventsPerRead) return;
      }
    };
    try {
      await catchUp();
      for (;;) {
        while (delivered.length > 0 && !ended && !closed) {
          const event = delivered.shift() as RunEventView;
          if (event.seq === null || event.seq === last + 1) send(event);
          else if (event.seq > last + 1) await catchUp(); // the table holds this event and the ones before it
        }
        if (ended || closed) return;
        const timedOut = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), RUNTIME_LIMITS.ssePollMs);
          timer.unref();
          wakeUp = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        if (!timedOut || closed) continue;
        await catchUp();
        if (ended) return;
        // A run that ended without a terminal event in sight (deleted, or its events lost) ends the stream too.
        const run = await this.repository.findRun(runId);
        if (!run || (isTerminal(run.status) && last >= run.nextEventSeq - 1)) return;
        if (Date.now() - lastWrite >= RUNTIME_LIMITS.sseHeartbeatMs) write(': heartbeat\n\n');
      }
    } finally {
      unsubscribe();
      request.off('close', onClose);
      response.off('close', onClose);
      if (!response.writableEnded) response.end();
    }
  }
}
