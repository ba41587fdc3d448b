import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { approvalsApi, type ApprovalDetail } from '../../api/approvals';
import { decideVerdict } from '../../app/approvals-view';
import { useMe } from '../../app/me-context';
import { asError, useLoad } from '../../app/use-load';
import { ApprovalStatusBadge } from '../../components/ApprovalStatusBadge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SuccessNotice } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';

const REASON_MAX = 2000;
const COMMENT_MAX = 4000;

/** One approval request: what exactly is asked, who decided what and why, the discussion, and the decision form. */
export function ApprovalDetailPage() {
  const { id = '' } = useParams();
  const { me, permissions } = useMe();
  const approval = useLoad(() => approvalsApi.get(id), id);
  const [done, setDone] = useState<string>();
  const [actionError, setActionError] = useState<Error>();

  const data = approval.data;
  if (!data) {
    return (
      <section>
        <p>
          <Link to="/governance/approvals">← Approvals</Link>
        </p>
        <h1>Approval request</h1>
        {approval.error ? (
          <ErrorNotice error={approval.error} title={approval.error instanceof ApiError && approval.error.status === 404 ? 'No such approval request.' : undefined} />
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </section>
    );
  }

  const verdict = decideVerdict(data, me, permissions);
  const isRequester = me ? data.requester.type === me.actor.type && data.requester.id === me.actor.id : false;
  const record = { id: data.id, requesterType: data.requester.type, requesterId: data.requester.id, status: data.status, purpose: data.purpose };
  const canCancel = isRequester && data.status === 'pending' && permissions.can('cancel', 'ApprovalRequest', record);
  const canComment = permissions.can('comment', 'ApprovalRequest', record);
  const updated = (next: ApprovalDetail, message: string) => {
    approval.setData(() => next);
    setActionError(undefined);
    setDone(message);
  };

  return (
    <section>
      <p>
        <Link to="/governance/approvals">← Approvals</Link>
      </p>
      <h1>
        {data.summary} <ApprovalStatusBadge status={data.status} />
      </h1>
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <ErrorNotice error={actionError} /> : null}
      {approval.error ? <ErrorNotice error={approval.error} /> : null}

      <div className="two-columns">
        <div>
          <dl className="facts" data-testid="approval-facts">
            <dt>Action</dt>
            <dd className="mono">{data.action}</dd>
            <dt>Subject</dt>
            <dd className="mono">
              {data.subjectType}
              {data.subjectId ? ` ${data.subjectId}` : ''}
            </dd>
            <dt>Requested by</dt>
            <dd>
              <PrincipalId {...data.requester} />
              {data.onBehalfOf ? (
                <>
                  {' '}
                  for <PrincipalId {...data.onBehalfOf} />
                </>
              ) : null}
            </dd>
            <dt>Approvers</dt>
            <dd>
              {data.approverRoles.length ? `roles ${data.approverRoles.join(', ')}` : null}
              {data.approverUserIds.length ? ` ${data.approverUserIds.length} named users` : null}
            </dd>
            <dt>Approvals</dt>
            <dd>
              {data.approvals} of {data.quorum} needed
            </dd>
            <dt>Purpose</dt>
            <dd>{data.purpose ?? <span className="muted">none declared</span>}</dd>
            <dt>Requested</dt>
            <dd>
              <Time value={data.createdAt} />
            </dd>
            <dt>Expires</dt>
            <dd>
              <Time value={data.expiresAt} />
            </dd>
            {data.escalateAt ? (
              <>
                <dt>Escalation</dt>
                <dd>
                  to role {data.escalateToRole} at <Time value={data.escalateAt} />
                  {data.escalatedAt ? ' (escalated)' : ''}
                </dd>
              </>
            ) : null}
            <dt>Decided</dt>
            <dd>
              <Time value={data.decidedAt} empty="not yet" />
            </dd>
            <dt>Executed</dt>
            <dd>
              <Time value={data.executedAt} empty="not yet" />
            </dd>
            <dt>Arguments hash</dt>
            <dd className="mono break">{data.argumentsHash}</dd>
          </dl>
          <h2>Arguments</h2>
          <p className="muted">Exactly what will run if approved; the hash above binds them.</p>
          <pre className="code">{JSON.stringify(data.arguments, null, 2)}</pre>
        </div>

        <div>
          <h2>Decision</h2>
          {verdict.allowed ? (
            <DecisionForm
              onDecide={async (decision, reason) => {
                try {
                  const next = await approvalsApi.decide(data.id, decision, reason);
                  updated(
                    next,
                    decision === 'approve'
                      ? next.status === 'approved'
                        ? 'Approved: the quorum is reached.'
                        : `Your approval is recorded (${next.approvals} of ${next.quorum}).`
                      : 'Rejected: the request is closed.',
                  );
                } catch (error) {
                  setActionError(asError(error));
                  approval.reload();
                }
              }}
            />
          ) : (
            <p className="muted" data-testid="decide-why">
              {verdict.why}
            </p>
          )}
          {canCancel ? (
            <ConfirmButton
              label="Cancel request"
              confirmLabel="Cancel the request"
              question="Withdraw this approval request?"
              onConfirm={async () => {
                try {
                  updated(await approvalsApi.cancel(data.id), 'Cancelled: the request can no longer be decided.');
                } catch (error) {
                  setActionError(asError(error));
                }
              }}
            />
          ) : null}

          <h2>Decisions</h2>
          {data.decisions.length ? (
            <ol className="timeline" aria-label="Decisions">
              {data.decisions.map((decision) => (
                <li key={decision.id}>
                  <span className={decision.decision === 'approve' ? 'badge badge-ok' : 'badge badge-fail'}>{decision.decision === 'approve' ? 'approved' : 'rejected'}</span>{' '}
                  by <PrincipalId {...decision.approver} /> · <Time value={decision.createdAt} />
                  <blockquote>{decision.reason}</blockquote>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">No decision yet.</p>
          )}

          <h2>Comments</h2>
          {data.comments.length ? (
            <ol className="timeline" aria-label="Comments">
              {data.comments.map((comment) => (
                <li key={comment.id}>
                  <PrincipalId {...comment.author} /> · <Time value={comment.createdAt} />
                  <blockquote>{comment.body}</blockquote>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">No comments.</p>
          )}
          {canComment ? (
            <CommentForm
              onComment={async (body) => {
                try {
                  const comment = await approvalsApi.comment(data.id, body);
                  approval.setData((current) => (current ? { ...current, comments: [...current.comments, comment] } : current));
                  setActionError(undefined);
                  setDone('Comment added.');
                  return true;
                } catch (error) {
                  setActionError(asError(error));
                  return false;
                }
              }}
            />
          ) : null}
        </div>
      </div>
    </section>
  );
}

function DecisionForm({ onDecide }: { onDecide: (decision: 'approve' | 'reject', reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState<'approve' | 'reject'>();

  async function decide(decision: 'approve' | 'reject') {
    const text = reason.trim();
    if (!text) {
      setProblem('Give a reason: it is kept with the decision and in the audit log.');
      return;
    }
    if (text.length > REASON_MAX) {
      setProblem(`At most ${REASON_MAX} characters.`);
      return;
    }
    setProblem(undefined);
    setBusy(decision);
    await onDecide(decision, text);
    setBusy(undefined);
  }

  return (
    <form className="panel form" aria-label="Decide" onSubmit={(event: FormEvent) => event.preventDefault()} noValidate>
      <div className="field">
        <label htmlFor="decision-reason">Reason</label>
        <textarea
          id="decision-reason"
          rows={3}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'decision-reason-error' : undefined}
        />
        {problem ? (
          <div id="decision-reason-error" className="field-error" role="alert">
            {problem}
          </div>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="button" className="button button-approve" disabled={busy !== undefined} onClick={() => decide('approve')}>
          {busy === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button type="button" className="button button-danger" disabled={busy !== undefined} onClick={() => decide('reject')}>
          {busy === 'reject' ? 'Rejecting…' : 'Reject'}
        </button>
      </div>
    </form>
  );
}

function CommentForm({ onComment }: { onComment: (body: string) => Promise<boolean> }) {
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="form"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const text = body.trim();
        if (!text || text.length > COMMENT_MAX) {
          setProblem(text ? `At most ${COMMENT_MAX} characters.` : 'Write a comment first.');
          return;
        }
        setProblem(undefined);
        setBusy(true);
        if (await onComment(text)) setBody('');
        setBusy(false);
      }}
    >
      <div className="field">
        <label htmlFor="comment-body">Comment</label>
        <textarea
          id="comment-body"
          rows={2}
          value={body}
          onChange={(event) => setBody(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'comment-body-error' : undefined}
        />
        {problem ? (
          <div id="comment-body-error" className="field-error">
            {problem}
          </div>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Posting…' : 'Add comment'}
        </button>
      </div>
    </form>
  );
}
