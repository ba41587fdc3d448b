import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { RunEventBus } from './run-event-bus';
import { isTerminal, RuntimeRepository } from './runtime.repository';
import { RUNTIME_LIMITS } from './runtime.schemas';
import { toEventView } from './run-views';
import type { RunEventView } from './run.contract';

/**
 * Streams a run's events as server-sent events: durable events from the table after the client's
 * last seen `seq` (Last-Event-ID or `?after=`), each with `id: <seq>`; live `model.delta` events
 * (no id) while the model streams in this process; a heartbeat comment when idle; the stream ends
 * after the run's terminal event. New durable events arrive through the in-process bus at once
 * and through a short poll when a worker in another process writes them.
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
    let last = after;
    let wakeUp: (() => void) | undefined;
    const live: RunEventView[] = [];
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
    const unsubscribe = this.bus.subscribe(runId, (event) => {
      if (event.seq === null) live.push(event);
      wake();
    });
    const write = (text: string) => {
      if (!closed && !response.writableEnded) response.write(text);
    };
    let lastWrite = Date.now();
    try {
      for (;;) {
        for (const event of live.splice(0)) {
          write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          lastWrite = Date.now();
        }
        let ended = false;
        for (;;) {
          const rows = await this.repository.eventsAfter(runId, last, RUNTIME_LIMITS.eventsPerRead);
          for (const row of rows) {
            const event = toEventView(row);
            write(`id: ${row.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
            last = row.seq;
            lastWrite = Date.now();
            if (event.type === 'run.completed' || event.type === 'run.failed') ended = true;
          }
          if (rows.length < RUNTIME_LIMITS.eventsPerRead) break;
        }
        if (ended || closed) return;
        // A run that ended before its terminal event was written (never: both commit together) or was deleted.
        const run = await this.repository.findRun(runId);
        if (!run || (isTerminal(run.status) && last >= run.nextEventSeq - 1)) return;
        if (Date.now() - lastWrite >= RUNTIME_LIMITS.sseHeartbeatMs) {
          write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          setTimeout(wake, RUNTIME_LIMITS.ssePollMs).unref();
        });
      }
    } finally {
      unsubscribe();
      request.off('close', onClose);
      if (!response.writableEnded) response.end();
    }
  }
}
