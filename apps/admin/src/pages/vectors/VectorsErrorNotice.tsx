import { Link } from 'react-router';
import { ApiError } from '../../api/api-client';
import { vectorsNextStep } from '../../app/vectors-errors';
import { ErrorNotice } from '../../components/ErrorNotice';

/** A vectors API failure: the shared notice, the API's stable code and, for the codes it knows, what to do next. */
export function VectorsErrorNotice({ error, title }: { error: Error; title?: string }) {
  const step = vectorsNextStep(error);
  const code = error instanceof ApiError && error.code !== 'network' ? error.code : undefined;
  return (
    <div className="gateway-error" data-testid="vectors-error">
      <ErrorNotice error={error} title={title} />
      {code || step ? (
        <p className="gateway-next-step">
          {code ? (
            <>
              Error code <code>{code}</code>.{' '}
            </>
          ) : null}
          {step?.text} {step?.link ? <Link to={step.link.to}>{step.link.label}</Link> : null}
        </p>
      ) : null}
    </div>
  );
}
