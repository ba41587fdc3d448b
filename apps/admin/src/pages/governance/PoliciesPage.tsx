import { useEffect, useState } from 'react';
import { ApiError, type FieldIssue } from '../../api/api-client';
import { policiesApi, type PolicyRule, type PolicyVersion } from '../../api/policies';
import { useMe } from '../../app/me-context';
import { describeRulePath, formatRules, parsePolicyText } from '../../app/policy-document';
import { asError, useLoad } from '../../app/use-load';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ListState, SuccessNotice } from '../../components/ListState';
import { PrincipalRef } from '../../components/PrincipalId';
import { RoleList } from '../../components/RoleList';
import { Time } from '../../components/Time';
import { TableHead } from '../../components/TableHead';

const EXAMPLE = `[
  {
    "roles": ["claims-reviewer"],
    "action": ["read", "comment"],
    "subject": "ApprovalRequest",
    "conditions": { "status": "pending" },
    "reason": "reviewers see pending claims approvals"
  }
]`;

/** Built-in roles, the tenant's versioned custom policy, and the editor that validates before it publishes. */
export function PoliciesPage() {
  const { me, permissions, refresh } = useMe();
  const canRead = permissions.can('read', 'PolicyVersion');
  const canEdit = permissions.can('update', 'PolicyVersion');
  const roles = useLoad(policiesApi.roles, 'roles');
  const current = useLoad(() => (canRead ? policiesApi.current() : Promise.resolve(undefined)), `current:${canRead}`);
  const versions = useLoad(() => (canRead ? policiesApi.versions() : Promise.resolve([])), `versions:${canRead}`);
  const [viewed, setViewed] = useState<PolicyVersion>();
  const [viewError, setViewError] = useState<Error>();
  const [editorSeed, setEditorSeed] = useState<{ text: string; from: string; generation: number }>();
  const [published, setPublished] = useState<number>();

  // The editor starts from the current policy once it is known.
  useEffect(() => {
    if (current.data && !editorSeed) {
      setEditorSeed({
        text: current.data.version === 0 ? '[]' : formatRules(current.data.rules),
        from: current.data.version === 0 ? 'an empty policy' : `version ${current.data.version}`,
        generation: 0,
      });
    }
  }, [current.data, editorSeed]);

  async function view(version: number) {
    setViewError(undefined);
    try {
      setViewed(await policiesApi.version(version));
    } catch (error) {
      setViewError(asError(error));
    }
  }

  return (
    <section>
      <h1>Roles &amp; policies</h1>
      <p className="lead">
        Built-in roles grant the platform&apos;s standard permissions. A tenant policy adds or restricts rules on top of them; every publication is a new,
        immutable version, and access decisions record the version they used.
      </p>

      {me && !canRead ? <p className="muted">Your roles do not allow reading the tenant policy; the built-in roles are shown below.</p> : null}

      {canRead ? (
        <>
          <h2>Current policy</h2>
          {current.error ? <ErrorNotice error={current.error} /> : null}
          {current.data ? (
            <dl className="facts" data-testid="current-policy">
              <dt>Version</dt>
              <dd>{current.data.version === 0 ? 'none published (built-in roles only)' : current.data.version}</dd>
              <dt>Rules</dt>
              <dd>{current.data.rules.length}</dd>
              {current.data.version > 0 ? (
                <>
                  <dt>Comment</dt>
                  <dd>{current.data.comment || <span className="muted">none</span>}</dd>
                  <dt>Published</dt>
                  <dd>
                    <Time value={current.data.createdAt} /> {current.data.createdById ? (
                      <span className="muted">
                        by <PrincipalRef value={current.data.createdById} />
                      </span>
                    ) : null}
                  </dd>
                </>
              ) : null}
            </dl>
          ) : current.loading ? (
            <p className="muted" role="status">
              Loading…
            </p>
          ) : null}
        </>
      ) : null}

      {canEdit && editorSeed ? (
        <PolicyEditor
          key={editorSeed.generation}
          initialText={editorSeed.text}
          startedFrom={editorSeed.from}
          published={published}
          onPublished={(policy) => {
            current.setData(() => policy);
            versions.reload();
            setPublished(policy.version);
            // The new version may change what the caller itself may do.
            refresh();
            setEditorSeed({ text: formatRules(policy.rules), from: `version ${policy.version}`, generation: editorSeed.generation + 1 });
          }}
        />
      ) : null}

      {canRead ? (
        <>
          <h2>Version history</h2>
          {versions.error ? <ErrorNotice error={versions.error} /> : null}
          {viewError ? <ErrorNotice error={viewError} /> : null}
          <ListState loading={versions.loading} empty={(versions.data ?? []).length === 0} emptyText="No version published yet: only the built-in roles apply.">
            <table className="table table-wide">
              <caption>Published versions, newest first</caption>
              <TableHead columns={['Version', 'Comment', 'Rules', 'Published', 'By']} actions />
              <tbody>
                {(versions.data ?? []).map((version) => (
                  <tr key={version.version} aria-current={viewed?.version === version.version ? 'true' : undefined}>
                    <th scope="row">{version.version}</th>
                    <td>{version.comment || <span className="muted">none</span>}</td>
                    <td>{version.ruleCount}</td>
                    <td>
                      <Time value={version.createdAt} />
                    </td>
                    <td>
                      <PrincipalRef value={version.createdById} />
                    </td>
                    <td className="actions">
                      <button type="button" className="button button-small" onClick={() => view(version.version)} aria-label={`View version ${version.version}`}>
                        View
                      </button>
                      {canEdit && editorSeed ? (
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`Edit from version ${version.version}`}
                          onClick={async () => {
                            try {
                              const full = await policiesApi.version(version.version);
                              setPublished(undefined);
                              setEditorSeed({ text: formatRules(full.rules), from: `version ${full.version}`, generation: editorSeed.generation + 1 });
                            } catch (error) {
                              setViewError(asError(error));
                            }
                          }}
                        >
                          Edit from here
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ListState>
          {viewed ? (
            <div className="panel" role="region" aria-labelledby="viewed-title">
              <div className="panel-head">
                <h3 id="viewed-title">Version {viewed.version}</h3>
                <button type="button" className="button button-small" onClick={() => setViewed(undefined)}>
                  Close
                </button>
              </div>
              <p className="muted">
                {viewed.comment || 'No comment'} · <Time value={viewed.createdAt} />
              </p>
              <pre className="code">{formatRules(viewed.rules)}</pre>
            </div>
          ) : null}
        </>
      ) : null}

      <h2>Built-in roles</h2>
      {roles.error ? <ErrorNotice error={roles.error} /> : null}
      <ListState loading={roles.loading} empty={(roles.data ?? []).length === 0} emptyText="No built-in roles reported.">
        <div className="role-cards">
          {(roles.data ?? []).map((role) => (
            <details key={role.role} className="panel role-card">
              <summary>
                <strong>{role.role}</strong> <span className="muted">{role.rules.length} rules</span>
                {me?.actor.roles.includes(role.role) ? <span className="chip chip-accent">yours</span> : null}
              </summary>
              <RuleTable rules={role.rules} caption={`Rules of ${role.role}`} />
            </details>
          ))}
        </div>
      </ListState>
    </section>
  );
}

function RuleTable({ rules, caption }: { rules: PolicyRule[]; caption: string }) {
  const list = (value: string | string[] | undefined) => [value ?? []].flat().join(', ');
  return (
    <table className="table table-compact">
      <caption className="visually-hidden">{caption}</caption>
      <TableHead columns={['Effect', 'Actions', 'Subjects', 'Conditions', 'Also for']} />
      <tbody>
        {rules.map((rule, index) => (
          <tr key={index}>
            <td>{rule.inverted ? <span className="badge badge-fail">forbid</span> : <span className="badge badge-ok">allow</span>}</td>
            <td className="mono">{list(rule.action)}</td>
            <td className="mono">{list(rule.subject)}</td>
            <td className="mono">
              {rule.conditions ? JSON.stringify(rule.conditions) : <span className="muted">none</span>}
              {rule.reason ? <div className="muted">{rule.reason}</div> : null}
            </td>
            <td>
              <RoleList roles={rule.roles} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Outcome =
  | { kind: 'valid'; rules: number }
  | { kind: 'invalid'; message: string; issues: FieldIssue[]; requestId?: string }
  | { kind: 'error'; error: Error };

function PolicyEditor({
  initialText,
  startedFrom,
  published,
  onPublished,
}: {
  initialText: string;
  startedFrom: string;
  /** The version this page published last: the editor is recreated from it, so the page keeps the message. */
  published: number | undefined;
  onPublished: (policy: PolicyVersion) => void;
}) {
  const [text, setText] = useState(initialText);
  const [comment, setComment] = useState('');
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState<'validate' | 'publish'>();
  const [commentProblem, setCommentProblem] = useState<string>();

  /** Client check (JSON), then the API's validation; the outcome explains every failing rule path. */
  async function validate(): Promise<unknown[] | undefined> {
    const parsed = parsePolicyText(text);
    if (!parsed.ok) {
      setOutcome({ kind: 'invalid', message: parsed.message, issues: [] });
      return undefined;
    }
    try {
      const answer = await policiesApi.validate(parsed.rules, comment);
      setOutcome({ kind: 'valid', rules: answer.rules.length });
      return parsed.rules;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        setOutcome({ kind: 'invalid', message: error.message, issues: error.issues, requestId: error.requestId });
      } else {
        setOutcome({ kind: 'error', error: asError(error) });
      }
      return undefined;
    }
  }

  async function publish() {
    if (!comment.trim()) {
      setCommentProblem('Say what changes and why: the comment is kept with the version and in the audit log.');
      return;
    }
    setCommentProblem(undefined);
    setBusy('publish');
    try {
      const rules = await validate();
      if (!rules) return;
      onPublished(await policiesApi.publish(rules, comment.trim()));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        setOutcome({ kind: 'invalid', message: error.message, issues: error.issues, requestId: error.requestId });
      } else {
        setOutcome({ kind: 'error', error: asError(error) });
      }
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <form
      className="panel form"
      aria-labelledby="editor-title"
      onSubmit={(event) => {
        event.preventDefault();
        void publish();
      }}
      noValidate
    >
      <h2 id="editor-title">Edit the policy</h2>
      <p className="muted">
        Started from {startedFrom}. Rules use the built-in roles&apos; form; conditions are Prisma where-clauses and may use <code>{'${actor.id}'}</code>,{' '}
        <code>{'${actor.type}'}</code> and <code>{'${tenant.id}'}</code>.
      </p>
      {published !== undefined && !outcome ? <SuccessNotice>Published version {published}. It applies to new requests now.</SuccessNotice> : null}
      <div className="field">
        <label htmlFor="policy-rules">Policy rules (JSON)</label>
        <textarea
          id="policy-rules"
          className="code-editor"
          spellCheck={false}
          rows={Math.min(30, Math.max(10, text.split('\n').length + 1))}
          value={text}
          placeholder={EXAMPLE}
          aria-invalid={outcome?.kind === 'invalid' ? true : undefined}
          aria-describedby="policy-outcome"
          onChange={(event) => {
            setText(event.target.value);
            if (outcome?.kind !== 'invalid') setOutcome(undefined);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="policy-comment">Change comment</label>
        <input
          id="policy-comment"
          value={comment}
          maxLength={1000}
          aria-invalid={commentProblem ? true : undefined}
          aria-describedby={commentProblem ? 'policy-comment-error' : undefined}
          onChange={(event) => setComment(event.target.value)}
        />
        {commentProblem ? (
          <div id="policy-comment-error" className="field-error">
            {commentProblem}
          </div>
        ) : null}
      </div>
      <div id="policy-outcome">
        {outcome?.kind === 'valid' ? (
          <div className="notice notice-ok" role="status">
            The policy is valid ({outcome.rules} {outcome.rules === 1 ? 'rule' : 'rules'}). Publish it to make it the current version.
          </div>
        ) : null}
        {outcome?.kind === 'invalid' ? (
          <div className="notice notice-error" role="alert" data-testid="policy-issues">
            <strong>{outcome.message}</strong>
            {outcome.issues.length ? (
              <ul className="plain-list">
                {outcome.issues.map((issue, index) => (
                  <li key={index}>
                    {describeRulePath(issue.path)} <code>{issue.path}</code>: {issue.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {outcome.requestId ? <div className="muted">Request id: {outcome.requestId}</div> : null}
          </div>
        ) : null}
        {outcome?.kind === 'error' ? <ErrorNotice error={outcome.error} /> : null}
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={busy !== undefined}
          onClick={async () => {
            setBusy('validate');
            await validate();
            setBusy(undefined);
          }}
        >
          {busy === 'validate' ? 'Validating…' : 'Validate'}
        </button>
        <button type="submit" className="button button-primary" disabled={busy !== undefined}>
          {busy === 'publish' ? 'Publishing…' : 'Publish new version'}
        </button>
      </div>
    </form>
  );
}
