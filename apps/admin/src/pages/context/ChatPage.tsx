import { useCallback, useEffect, useReducer, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { approvalsApi } from '../../api/approvals';
import { agentsApi } from '../../api/context-agents';
import { sessionsApi, TERMINAL_RUN_STATUSES, type AgentRun, type AgentSessionDetail, type RunEvent } from '../../api/context-runs';
import { decideVerdict } from '../../app/approvals-view';
import { CONTEXT_SUBJECTS } from '../../app/context-subjects';
import { applyRunEvent, EMPTY_TRANSCRIPT, preview, transcriptFromMessages, type Transcript, type TranscriptEntry } from '../../app/context-transcript';
import { useMe } from '../../app/me-context';
import { asError, useLoad } from '../../app/use-load';
import { useRunEvents } from '../../app/use-run-events';
import { ApprovalStatusBadge } from '../../components/ApprovalStatusBadge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { RunStatusBadge } from './RunsPage';

type TranscriptAction = { type: 'reset'; transcript: Transcript } | { type: 'event'; event: RunEvent } | { type: 'user'; key: string; text: string };

function transcriptReducer(state: Transcript, action: TranscriptAction): Transcript {
  if (action.type === 'reset') return action.transcript;
  if (action.type === 'user') return state.entries.some((entry) => entry.key === action.key) ? state : { ...state, entries: [...state.entries, { kind: 'user', key: action.key, text: action.text }] };
  return applyRunEvent(state, action.event);
}

/** The transcript of a stored session: messages of runs still going come from their event stream instead. */
function historyOf(session: AgentSessionDetail): Transcript {
  const active = new Set(session.activeRuns.map((run) => run.id));
  const messages = session.messages.filter((message) => message.message.role === 'user' || !message.runId || !active.has(message.runId));
  return { ...EMPTY_TRANSCRIPT, entries: transcriptFromMessages(messages) };
}

/** Talk to an agent: pick it, open or continue a conversation, watch the answer stream in with tool calls and approvals inline. */
export function ChatPage() {
  const [params, setParams] = useSearchParams();
  const agentId = params.get('agent') ?? '';
  const sessionId = params.get('session') ?? '';
  const { permissions } = useMe();
  const agents = useLoad(() => agentsApi.list({ limit: 200 }), 'chat-agents');
  const sessions = useLoad(() => (agentId ? sessionsApi.list({ agentId }) : Promise.resolve({ items: [], nextCursor: null })), `chat-sessions:${agentId}`);
  const [failure, setFailure] = useState<Error>();
  const [opening, setOpening] = useState(false);
  const canChat = permissions.can('create', CONTEXT_SUBJECTS.session);

  const choose = (next: Record<string, string>) => setParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value)));

  async function openSession() {
    setFailure(undefined);
    setOpening(true);
    try {
      const created = await sessionsApi.create({ agentId });
      sessions.reload();
      choose({ agent: agentId, session: created.id });
    } catch (error) {
      setFailure(asError(error));
    } finally {
      setOpening(false);
    }
  }

  return (
    <section>
      <h1>Chat</h1>
      <p className="lead">The agent acts for you, with your permissions, under its purpose. Tool calls and approvals show up in the conversation as they happen.</p>
      {agents.error ? <ErrorNotice error={agents.error} /> : null}
      {failure ? <ErrorNotice error={failure} title="The conversation was not opened." /> : null}
      <div className="toolbar">
        <div className="inline-field">
          <label htmlFor="chat-agent">Agent</label>
          <select id="chat-agent" value={agentId} onChange={(event) => choose({ agent: event.target.value })}>
            <option value="">Choose an agent…</option>
            {agents.data?.items.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name}
              </option>
            ))}
          </select>
        </div>
        {agentId ? (
          <div className="inline-field">
            <label htmlFor="chat-session">Conversation</label>
            <select id="chat-session" value={sessionId} onChange={(event) => choose({ agent: agentId, session: event.target.value })}>
              <option value="">{sessions.data?.items.length ? 'Choose a conversation…' : 'No conversation yet'}</option>
              {sessions.data?.items.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.title || `Conversation of ${new Date(item.createdAt).toLocaleString()}`}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {agentId && canChat ? (
          <button type="button" className="button" disabled={opening} onClick={openSession}>
            {opening ? 'Opening…' : 'New conversation'}
          </button>
        ) : null}
      </div>
      {!canChat ? <p className="muted">Your roles do not allow starting conversations with agents.</p> : null}
      {sessionId ? <Conversation key={sessionId} sessionId={sessionId} /> : agentId ? <p className="empty">Open a new conversation, or continue one.</p> : null}
    </section>
  );
}

function Conversation({ sessionId }: { sessionId: string }) {
  const session = useLoad(() => sessionsApi.get(sessionId), sessionId);
  const [transcript, dispatch] = useReducer(transcriptReducer, EMPTY_TRANSCRIPT);
  // Runs to follow, oldest first: a message sent while one is active waits behind it (queue) or ends it (interrupt).
  const [follow, setFollow] = useState<AgentRun[]>([]);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string>();
  const [failure, setFailure] = useState<Error>();
  const [sending, setSending] = useState(false);

  useEffect(() => {
    if (!session.data) return;
    dispatch({ type: 'reset', transcript: historyOf(session.data) });
    setFollow(session.data.activeRuns);
  }, [session.data]);

  const current = follow[0];
  const onEvent = useCallback((event: RunEvent) => dispatch({ type: 'event', event }), []);
  const stream = useRunEvents(current?.id, onEvent);
  useEffect(() => {
    const ended = stream.endedRunId;
    if (ended) setFollow((runs) => runs.filter((run) => run.id !== ended));
  }, [stream.endedRunId]);

  async function send(event: FormEvent) {
    event.preventDefault();
    const text = message.trim();
    if (!text) {
      setProblem('Type a message.');
      return;
    }
    setProblem(undefined);
    setFailure(undefined);
    setSending(true);
    try {
      const sent = await sessionsApi.send(sessionId, text);
      dispatch({ type: 'user', key: `m-${sent.message.id}`, text });
      setFollow((runs) => (runs.some((run) => run.id === sent.run.id) ? runs : [...runs, sent.run]));
      setMessage('');
    } catch (error) {
      setFailure(asError(error));
    } finally {
      setSending(false);
    }
  }

  if (!session.data) {
    return session.error ? (
      <ErrorNotice error={session.error} />
    ) : (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  const status = current ? (transcript.status[current.id] ?? current.status) : undefined;
  return (
    <div className="chat">
      <p className="muted">
        Purpose <span className="mono">{session.data.purpose}</span>
      </p>
      <ol className="chat-log" aria-label="Conversation" aria-live="polite" data-testid="chat-log">
        {transcript.entries.map((entry) => (
          <ChatEntry key={entry.key} entry={entry} />
        ))}
      </ol>
      {current ? (
        <p className="chat-status" role="status" data-testid="run-status">
          <RunStatusBadge status={status ?? 'queued'} />{' '}
          {stream.reconnecting ? 'Connection lost, resuming…' : status === 'queued' ? 'Waiting for a worker…' : null}{' '}
          <Link to={`/runs/${current.id}`}>Run details</Link>
          {follow.length > 1 ? <span className="muted"> · {follow.length - 1} more message(s) queued</span> : null}
        </p>
      ) : null}
      {stream.error ? <p className="notice notice-error">{stream.error}</p> : null}
      {failure ? <ErrorNotice error={failure} title="The message was not sent." /> : null}
      <form className="form chat-form" onSubmit={send} noValidate aria-label="Send a message">
        <Field id="chat-message" label="Message" error={problem}>
          {(props) => (
            <textarea
              {...props}
              rows={3}
              value={message}
              onChange={(event) => setMessage(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) void send(event);
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={sending}>
            {sending ? 'Sending…' : 'Send'}
          </button>
          {current && !TERMINAL_RUN_STATUSES.includes(status ?? '') ? <span className="muted">A message sent now follows the agent&apos;s busy policy.</span> : null}
        </div>
      </form>
    </div>
  );
}

function ChatEntry({ entry }: { entry: TranscriptEntry }) {
  switch (entry.kind) {
    case 'user':
      return (
        <li className="chat-turn chat-user">
          <span className="visually-hidden">You: </span>
          {entry.text}
        </li>
      );
    case 'assistant':
      return (
        <li className="chat-turn chat-assistant" data-testid="assistant-turn" aria-busy={entry.streaming || undefined}>
          <span className="visually-hidden">Agent: </span>
          {entry.text}
          {entry.streaming ? <span className="chat-cursor" aria-hidden="true" /> : null}
        </li>
      );
    case 'tool':
      return (
        <li className="chat-tool" data-testid="tool-call">
          <details open={entry.status === 'waiting_approval' || entry.status === 'error' || entry.status === 'denied'}>
            <summary>
              Tool <span className="mono">{entry.name}</span>{' '}
              <span className={`badge badge-tiny ${entry.status === 'ok' ? 'badge-ok' : entry.status === 'requested' || entry.status === 'waiting_approval' ? 'badge-wait' : 'badge-fail'}`}>
                {entry.status.replace('_', ' ')}
              </span>
            </summary>
            <div className="muted">Arguments</div>
            <pre className="code">{preview(entry.arguments)}</pre>
            {entry.content !== undefined || entry.error ? (
              <>
                <div className="muted">{entry.error ? `Error ${entry.error.code}: ${entry.error.message}` : 'Result (untrusted data)'}</div>
                {entry.content !== undefined && entry.content !== null ? <pre className="code">{preview(entry.content)}</pre> : null}
              </>
            ) : null}
          </details>
        </li>
      );
    case 'approval':
      return (
        <li className="chat-tool" data-testid="approval">
          <ApprovalInline approvalId={entry.approvalId} kind={entry.approvalKind} decision={entry.decision} />
        </li>
      );
    case 'outcome':
      return (
        <li className="chat-outcome notice notice-warn" data-testid="run-outcome">
          The run ended: <strong>{entry.status.replace('_', ' ')}</strong>
          {entry.reason ? ` — ${entry.reason}` : ''}. <Link to={`/runs/${entry.runId}`}>Run details</Link>
        </li>
      );
    default:
      return null;
  }
}

/** An approval the run waits for: its state, and the decision buttons when the viewer may decide (never the one who asked). */
function ApprovalInline({ approvalId, kind, decision }: { approvalId: string; kind: string; decision: string | null }) {
  const { me, permissions } = useMe();
  const approval = useLoad(() => approvalsApi.get(approvalId), `${approvalId}:${decision ?? ''}`);
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const data = approval.data;
  const verdict = data ? decideVerdict(data, me, permissions) : undefined;
  const link = <Link to={`/governance/approvals/${approvalId}`}>approval request</Link>;

  async function decide(choice: 'approve' | 'reject') {
    setBusy(true);
    setFailure(undefined);
    try {
      approval.setData(() => undefined);
      await approvalsApi.decide(approvalId, choice, choice === 'approve' ? 'Approved in the chat.' : 'Rejected in the chat.');
      approval.reload();
    } catch (error) {
      setFailure(asError(error));
      approval.reload();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="panel">
      <strong>{kind === 'budget_extension' ? 'Budget extension needed' : 'Approval needed'}</strong>{' '}
      {data ? <ApprovalStatusBadge status={data.status} /> : decision ? <span className="badge">{decision}</span> : null}
      {data ? <div className="muted">{data.summary}</div> : null}
      {approval.error ? <div className="muted">The {link} could not be loaded here ({approval.error.message}); an approver decides it in the approvals inbox.</div> : null}
      {failure ? <ErrorNotice error={failure} title="The decision was not recorded." /> : null}
      {verdict?.allowed ? (
        <div className="form-actions">
          <button type="button" className="button button-approve" disabled={busy} onClick={() => decide('approve')}>
            Approve
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={() => decide('reject')}>
            Reject
          </button>
        </div>
      ) : verdict ? (
        <div className="muted" data-testid="approval-why">
          {verdict.why} Share the {link} with an approver.
        </div>
      ) : null}
    </div>
  );
}
