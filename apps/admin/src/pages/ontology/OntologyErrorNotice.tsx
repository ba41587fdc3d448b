import { ApiError } from '../../api/api-client';
import { nextStep } from '../../app/ontology-errors';
import { ErrorNotice } from '../../components/ErrorNotice';

/** An ontology API failure: the shared notice, titled with the API's code, and what to do next. */
export function OntologyErrorNotice({ error, title }: { error: Error; title?: string }) {
  const code = error instanceof ApiError && error.code !== 'network' ? error.code : undefined;
  const step = nextStep(error);
  return (
    <div className="ontology-error" data-testid="ontology-error">
      <ErrorNotice error={error} title={code ? `${title ?? 'The API refused this.'} (${code})` : title} />
      {step ? <p className="muted ontology-next-step">{step}</p> : null}
    </div>
  );
}
