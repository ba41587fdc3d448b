import { systemApi } from '../api/system';
import { usePolling } from '../app/use-polling';
import { ErrorNotice } from '../components/ErrorNotice';
import { StatusBadge } from '../components/StatusBadge';

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

export function SystemStatusPage() {
  const status = usePolling(systemApi.status, 5_000);
  const readiness = usePolling(systemApi.readiness, 5_000);
  const error = status.error ?? readiness.error;

  return (
    <section>
      <h1>System status</h1>
      {error ? <ErrorNotice error={error} /> : null}
      {readiness.data ? (
        <table className="table" data-testid="readiness">
          <caption>
            Readiness <StatusBadge ok={readiness.data.status === 'ok'} okText="ready" failText="not ready" />
          </caption>
          <thead>
            <tr>
              <th>Check</th>
              <th>Status</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(readiness.data.checks).map(([name, check]) => {
              const { status: checkStatus, ...detail } = check;
              return (
                <tr key={name}>
                  <td>{name}</td>
                  <td>
                    <StatusBadge ok={checkStatus === 'ok'} />
                  </td>
                  <td className="mono">{Object.keys(detail).length ? JSON.stringify(detail) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {status.data ? (
        <dl className="facts" data-testid="facts">
          <dt>Version</dt>
          <dd>{status.data.version}</dd>
          <dt>Database</dt>
          <dd data-testid="database-mode">{status.data.database.mode}</dd>
          <dt>Latest migration</dt>
          <dd className="mono">{status.data.database.migrations.latest ?? 'none'}</dd>
          <dt>Migrations applied</dt>
          <dd data-testid="migrations-applied">{status.data.database.migrations.applied}</dd>
          <dt>Instance</dt>
          <dd className="mono">{status.data.instance?.id ?? 'not recorded'}</dd>
          <dt>Installed</dt>
          <dd>{status.data.instance ? new Date(status.data.instance.createdAt).toLocaleString() : 'unknown'}</dd>
          <dt>Up for</dt>
          <dd>{formatDuration(status.data.uptimeSeconds)}</dd>
        </dl>
      ) : null}
    </section>
  );
}
