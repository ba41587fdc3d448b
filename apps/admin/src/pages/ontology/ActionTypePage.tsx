import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { ontologyActionsApi, type ActionLogEntry } from '../../api/ontology-actions';
import { useMe } from '../../app/me-context';
import { parameterLabel } from '../../app/ontology-action-form';
import { ONTOLOGY_SUBJECTS } from '../../app/ontology-subjects';
import { asError, useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { ConfirmButton } from '../../components/ConfirmButton';
import { SuccessNotice } from '../../components/ListState';
import { ActionForm } from './ActionForm';
import { ActionLog } from './ActionLog';
import { EditActionType } from './EditActionType';
import { OntologyErrorNotice } from './OntologyErrorNotice';
import { TableHead } from '../../components/TableHead';

/** One action type: its definition, the form that runs it (check, then apply) and its log. */
export function ActionTypePage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { permissions } = useMe();
  const type = useLoad(() => ontologyActionsApi.type(id), id);
  const log = usePagedList<ActionLogEntry>((cursor) => ontologyActionsApi.log({ actionTypeId: id, cursor }), id);
  const [failure, setFailure] = useState<Error>();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string>();
  const data = type.data;
  const back = (
    <p>
      <Link to="/ontology/action-types">← Action types</Link>
    </p>
  );
  if (!data) {
    return (
      <section>
        {back}
        <h1>Action type</h1>
        {type.error ? (
          <OntologyErrorNotice error={type.error} title={type.error instanceof ApiError && type.error.status === 404 ? 'No such action type.' : undefined} />
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </section>
    );
  }
  const apply = permissions.check('apply', ONTOLOGY_SUBJECTS.actionType, { id: data.id, apiName: data.apiName });
  return (
    <section>
      {back}
      <h1>
        {data.displayName} <span className="muted mono">{data.apiName}</span>
      </h1>
      <p className="lead">{data.description || <span className="muted">No description.</span>}</p>
      {failure ? <OntologyErrorNotice error={failure} /> : null}
      {saved ? <SuccessNotice>{saved}</SuccessNotice> : null}
      {editing ? (
        <EditActionType
          actionType={data}
          onCancel={() => setEditing(false)}
          onSaved={(updated) => {
            type.setData(() => updated);
            setEditing(false);
            setSaved(`Saved version ${updated.version} of ${updated.displayName}.`);
          }}
        />
      ) : null}
      <div className="two-columns">
        <div>
          <ActionForm
            actionType={data}
            canApply={apply.allowed}
            denyReason={apply.allowed ? undefined : (apply.reason ?? 'Your roles do not allow running this action.')}
            onApplied={() => log.reload()}
          />
        </div>
        <div>
          <h2>Definition (version {data.version})</h2>
          <table className="table table-compact">
            <caption>Parameters</caption>
            <TableHead columns={['Parameter', 'Type', 'Required']} />
            <tbody>
              {data.parameters.map((parameter) => (
                <tr key={parameter.apiName}>
                  <th scope="row">
                    {parameterLabel(parameter)} <span className="muted mono">{parameter.apiName}</span>
                  </th>
                  <td className="mono">
                    {parameter.type}
                    {parameter.objectType ? ` → ${parameter.objectType}` : ''}
                  </td>
                  <td>{parameter.required ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary>Criteria, effects and approval</summary>
            <pre className="code">{JSON.stringify({ criteria: data.criteria, effects: data.effects, approval: data.approval }, null, 2)}</pre>
          </details>
          {data.parametersSchema ? (
            <details>
              <summary>JSON Schema agents see</summary>
              <pre className="code">{JSON.stringify(data.parametersSchema, null, 2)}</pre>
            </details>
          ) : null}
          {!editing && permissions.can('update', ONTOLOGY_SUBJECTS.actionType, { id: data.id, apiName: data.apiName }) ? (
            <button type="button" className="button button-small" onClick={() => setEditing(true)}>
              Edit definition
            </button>
          ) : null}{' '}
          {permissions.can('delete', ONTOLOGY_SUBJECTS.actionType, { id: data.id, apiName: data.apiName }) ? (
            <ConfirmButton
              label="Retire action type"
              confirmLabel="Retire it"
              question={`Retire ${data.apiName}? Its log stays.`}
              onConfirm={async () => {
                try {
                  await ontologyActionsApi.delete(data.id);
                  navigate('/ontology/action-types');
                } catch (error) {
                  setFailure(asError(error));
                }
              }}
            />
          ) : null}
        </div>
      </div>
      <h2>Log</h2>
      <ActionLog log={log} showType={false} />
    </section>
  );
}
