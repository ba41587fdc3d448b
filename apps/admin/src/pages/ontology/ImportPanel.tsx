import { useState } from 'react';
import { ontologyImportApi, type ImportReport } from '../../api/ontology-objects';
import type { ObjectType } from '../../api/ontology-schema';
import { buildImport, importReportOfRefusal, importSummary } from '../../app/ontology-import';
import { asError } from '../../app/use-load';
import { Field } from '../../components/Field';
import { OntologyErrorNotice } from './OntologyErrorNotice';
import { TableHead } from '../../components/TableHead';

/** Bulk import of objects of one type from CSV or JSON: a dry run reports every invalid row; the import is all or nothing. */
export function ImportPanel({ type, onImported }: { type: ObjectType; onImported: () => void }) {
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<'csv' | 'json'>('csv');
  const [mode, setMode] = useState<'create' | 'upsert'>('create');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string>();
  const [report, setReport] = useState<ImportReport>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  async function run(dryRun: boolean) {
    const built = buildImport(type.apiName, format, mode, text);
    setProblem(built.ok ? undefined : built.problem);
    setFailure(undefined);
    setReport(undefined);
    if (!built.ok) return;
    setBusy(true);
    try {
      const answer = await ontologyImportApi.run(built.request, dryRun);
      setReport(answer);
      if (answer.committed && !answer.dryRun) onImported();
    } catch (error) {
      const refused = importReportOfRefusal(error);
      if (refused) setReport(refused);
      else setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Import {type.displayName} objects
      </button>
    );
  }
  return (
    <form className="panel form" aria-label={`Import ${type.displayName} objects`} onSubmit={(event) => event.preventDefault()} noValidate>
      <h2>Import {type.displayName} objects</h2>
      <div className="form-row">
        <Field id="import-format" label="Format">
          {(props) => (
            <select {...props} value={format} onChange={(event) => setFormat(event.target.value as 'csv' | 'json')}>
              <option value="csv">CSV (header row of property api names)</option>
              <option value="json">JSON (an array of objects)</option>
            </select>
          )}
        </Field>
        <Field id="import-mode" label="Mode" hint="Upsert updates objects whose primary key exists.">
          {(props) => (
            <select {...props} value={mode} onChange={(event) => setMode(event.target.value as 'create' | 'upsert')}>
              <option value="create">create only</option>
              <option value="upsert">create or update</option>
            </select>
          )}
        </Field>
      </div>
      <Field id="import-data" label="Data" error={problem} hint={`Columns or keys: ${type.properties.map((property) => property.apiName).join(', ')}.`}>
        {(props) => <textarea {...props} className="code-editor" rows={6} spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} />}
      </Field>
      {failure ? <OntologyErrorNotice error={failure} title="Not imported." /> : null}
      {report ? (
        <section className={`panel ${report.failed ? 'schema-report-breaking' : 'schema-report-ok'}`} aria-label="Import report" data-testid="import-report" role={report.failed ? 'alert' : 'status'}>
          <strong>{importSummary(report)}</strong>
          {report.errors.length ? (
            <table className="table table-compact">
              <caption>Invalid rows{report.errorsTruncated ? ' (the first ones)' : ''}</caption>
              <TableHead columns={['Row', 'Problems']} />
              <tbody>
                {report.errors.map((row) => (
                  <tr key={row.row}>
                    <th scope="row">
                      {row.row}
                      {row.primaryKeyValue ? <span className="muted"> ({row.primaryKeyValue})</span> : null}
                    </th>
                    <td>
                      <ul className="plain-list">
                        {row.errors.map((error, index) => (
                          <li key={index}>
                            <span className="mono">{error.path}</span>: {error.message}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void run(true)}>
          Dry run
        </button>
        <button type="button" className="button button-primary" disabled={busy} onClick={() => void run(false)}>
          Import
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </form>
  );
}
