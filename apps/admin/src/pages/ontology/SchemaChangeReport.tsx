import type { SchemaValidationReport } from '../../api/ontology-schema';
import { affectedText, reportHeadline, summarizeReport } from '../../app/ontology-schema-report';

const SEVERITY_BADGE = { error: 'badge badge-fail', breaking: 'badge badge-fail', info: 'badge badge-ok' } as const;

/** What a schema change would do, each finding with its severity, why, and the data it affects. */
export function SchemaChangeReport({ report }: { report: SchemaValidationReport }) {
  const summary = summarizeReport(report);
  return (
    <section
      className={`panel schema-report ${summary.applicable ? 'schema-report-ok' : 'schema-report-breaking'}`}
      aria-label="Schema change report"
      data-testid="schema-report"
      role={summary.applicable ? 'status' : 'alert'}
    >
      <h3>{reportHeadline(report)}</h3>
      {summary.breaking ? (
        <p>
          Existing data contradicts this change, so it is refused. Leave that part as it is, or first change or clear the data named below, then check
          again.
        </p>
      ) : null}
      <p className="muted">Checked against schema version {report.baseVersion}.</p>
      <ul className="plain-list schema-changes">
        {report.changes.map((change) => (
          <li key={change.index}>
            <strong className="mono">
              {change.kind} {change.target}
            </strong>
            {change.findings.length ? (
              <ul className="plain-list schema-findings">
                {change.findings.map((finding, index) => (
                  <li key={`${finding.code}-${index}`} className={`schema-finding schema-finding-${finding.severity}`}>
                    <span className={SEVERITY_BADGE[finding.severity] ?? 'badge'}>{finding.severity}</span>{' '}
                    {finding.path ? <span className="mono">{finding.path}: </span> : null}
                    {finding.message} <span className="muted mono">({finding.code})</span>
                    {affectedText(finding) ? <div className="muted">{affectedText(finding)}</div> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted"> nothing to report</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
