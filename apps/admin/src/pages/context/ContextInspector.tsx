import { useState } from 'react';
import { runsApi } from '../../api/context-runs';
import { itemsWorthReading, reportHeadline, summarizeSources } from '../../app/context-inspector';
import { useLoad } from '../../app/use-load';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TableHead } from '../../components/TableHead';

/** What context assembly gave the model at one step: each source, each item in or out, why, and its tokens. */
export function ContextInspector({ runId, stepIndex }: { runId: string; stepIndex: number }) {
  const loaded = useLoad(() => runsApi.context(runId, stepIndex), `${runId}:${stepIndex}`);
  const [open, setOpen] = useState<string>();
  if (loaded.error) return <ErrorNotice error={loaded.error} title="The assembled context could not be loaded." />;
  const report = loaded.data?.report;
  if (!loaded.data) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  if (!report) return <p className="empty">No context report was stored for this step.</p>;
  return (
    <div className="panel" data-testid="context-inspector" aria-label={`Context of step ${stepIndex}`}>
      <h3>Context of step {stepIndex}</h3>
      <p data-testid="context-headline">{reportHeadline(report)}</p>
      <table className="table table-compact">
        <caption>Sources</caption>
        <TableHead columns={['Source', 'Tokens used', 'Budget', 'Share', 'Included', 'Left out']} actions />
        <tbody>
          {summarizeSources(report).map((source) => (
            <tr key={source.source}>
              <th scope="row" className="mono">
                {source.source}
                {source.error ? <div className="text-fail">{source.error}</div> : null}
              </th>
              <td className="numeric">{source.usedTokens.toLocaleString('en-US')}</td>
              <td className="numeric">{source.budgetTokens === null ? '—' : source.budgetTokens.toLocaleString('en-US')}</td>
              <td className="numeric">{source.shareOfBudget}%</td>
              <td className="numeric">{source.included}</td>
              <td className="numeric">{source.excluded}</td>
              <td>
                {source.included + source.excluded ? (
                  <button type="button" className="link-button" aria-expanded={open === source.source} onClick={() => setOpen(open === source.source ? undefined : source.source)}>
                    {open === source.source ? 'Hide items' : `Items of ${source.source}`}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.sources
        .filter((source) => source.source === open)
        .map((source) => (
          <table key={source.source} className="table table-compact" data-testid="context-items">
            <caption>Items of {source.source}</caption>
            <TableHead columns={['Item', 'Kind', 'Tokens', 'In context', 'Why']} />
            <tbody>
              {itemsWorthReading(source).map((item) => (
                <tr key={item.id}>
                  <th scope="row" className="mono">
                    {item.id}
                  </th>
                  <td>{item.kind}</td>
                  <td className="numeric">{item.tokens.toLocaleString('en-US')}</td>
                  <td>{item.included ? <span className="badge badge-ok">included</span> : <span className="badge badge-fail">left out</span>}</td>
                  <td>{item.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </div>
  );
}
