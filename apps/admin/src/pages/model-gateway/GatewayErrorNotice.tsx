import { Link } from 'react-router';
import { ApiError } from '../../api/api-client';
import { gatewayNextStep } from '../../app/model-gateway-errors';
import { ErrorNotice } from '../../components/ErrorNotice';

/** An API failure with the gateway's error code and, for the codes it knows, what to do next. */
export function GatewayErrorNotice({ error, title }: { error: Error; title?: string }) {
  const step = gatewayNextStep(error);
  const code = error instanceof ApiError && error.code !== 'network' ? error.code : undefined;
  return (
    <div className="gateway-error">
      <ErrorNotice error={error} title={title} />
      {code || step ? (
        <p className="gateway-next-step" data-testid="error-next-step">
          {code ? (
            <>
              Error code <code>{code}</code>.{' '}
            </>
          ) : null}
          {step?.text}{' '}
          {step?.link ? <Link to={step.link.to}>{step.link.label}</Link> : null}
        </p>
      ) : null}
    </div>
  );
}
