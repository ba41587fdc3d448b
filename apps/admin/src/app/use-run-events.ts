import { EventSource } from 'eventsource';
import { useEffect, useRef, useState } from 'react';
import { runsApi, type RunEvent } from '../api/context-runs';
import { session } from '../api/session';
import { isTerminalEvent, runEventFromSse } from './context-transcript';

/** Event names the runtime sends (`event:` lines), libs/context runtime/run.contract.ts RUN_EVENT_TYPES. */
const EVENT_NAMES = [
  'run.status',
  'step.started',
  'context.assembled',
  'model.delta',
  'model.message',
  'tool.call',
  'tool.result',
  'approval.requested',
  'approval.decided',
  'step.completed',
  'run.completed',
  'run.failed',
  'message',
] as const;

export interface RunEventsState {
  /** The stream is open (false before, after the run ended, and while reconnecting). */
  connected: boolean;
  /** It is trying again after a dropped connection (EventSource resumes with Last-Event-ID). */
  reconnecting: boolean;
  /** The run whose terminal event arrived (the id, so a caller following several runs knows which). */
  endedRunId: string | undefined;
  error: string | undefined;
}

/**
 * Follows a run's events over SSE. The browser's EventSource cannot send the API key, so this uses
 * the `eventsource` package (the WHATWG EventSource with a custom fetch): same reconnect rules,
 * and every reconnect sends `Last-Event-ID`, so the stream resumes after the last durable event.
 * Closed after the run's terminal event (a server that ends the stream would otherwise be re-asked).
 */
export function useRunEvents(runId: string | undefined, onEvent: (event: RunEvent) => void): RunEventsState {
  const [state, setState] = useState<RunEventsState>({ connected: false, reconnecting: false, endedRunId: undefined, error: undefined });
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!runId) return undefined;
    setState({ connected: false, reconnecting: false, endedRunId: undefined, error: undefined });
    const source = new EventSource(runsApi.eventsUrl(runId), {
      fetch: (input, init) => {
        const key = session.apiKey();
        return fetch(input, { ...init, headers: { ...init.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) } });
      },
    });
    let ended = false;
    source.onopen = () => setState((current) => ({ ...current, connected: true, reconnecting: false, error: undefined }));
    source.onerror = (error) => {
      if (ended) return;
      // CONNECTING: it will retry by itself; CLOSED: the API refused (4xx/5xx, no retry).
      if (source.readyState === source.CLOSED) {
        setState({ connected: false, reconnecting: false, endedRunId: undefined, error: error.message || `The event stream was refused${error.code ? ` (${error.code})` : ''}.` });
      } else {
        setState((current) => ({ ...current, connected: false, reconnecting: true }));
      }
    };
    const listener = (message: MessageEvent<string>) => {
      const event = runEventFromSse(message.type, message.data, message.lastEventId, runId);
      if (!event) return;
      handler.current(event);
      if (isTerminalEvent(event)) {
        ended = true;
        source.close();
        setState({ connected: false, reconnecting: false, endedRunId: runId, error: undefined });
      }
    };
    for (const name of EVENT_NAMES) source.addEventListener(name, listener);
    return () => {
      ended = true;
      source.close();
    };
  }, [runId]);

  return state;
}
