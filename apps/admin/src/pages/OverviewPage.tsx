import { Link } from 'react-router';
import { systemApi } from '../api/system';
import { usePolling } from '../app/use-polling';
import { ErrorNotice } from '../components/ErrorNotice';
import { StatusBadge } from '../components/StatusBadge';

export function OverviewPage() {
  const status = usePolling(systemApi.status, 10_000);
  const data = status.data;

  return (
    <section>
      <h1>Overview</h1>
      {status.error ? <ErrorNotice error={status.error} /> : null}
      {data ? (
        <div className="cards">
          <div className="card" data-testid="card-health">
            <div className="card-title">Health</div>
            <div className="card-value">
              <StatusBadge ok={data.database.healthy && data.database.migrations.upToDate} okText="healthy" failText="degraded" />
            </div>
            <Link to="/system">Details</Link>
          </div>
          <div className="card" data-testid="card-database">
            <div className="card-title">Database</div>
            <div className="card-value">{data.database.mode === 'embedded' ? 'Embedded (PGlite)' : 'PostgreSQL server'}</div>
            <div className="muted">{data.database.latencyMs} ms round trip</div>
          </div>
          <div className="card" data-testid="card-migrations">
            <div className="card-title">Migrations</div>
            <div className="card-value">{data.database.migrations.applied} applied</div>
            <div className="muted">
              {data.database.migrations.upToDate ? 'up to date' : `${data.database.migrations.pending} pending, ${data.database.migrations.failed} failed`}
            </div>
          </div>
          <div className="card" data-testid="card-version">
            <div className="card-title">Version</div>
            <div className="card-value">{data.version}</div>
            <div className="muted">Node {data.node}</div>
          </div>
        </div>
      ) : status.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
    </section>
  );
}
