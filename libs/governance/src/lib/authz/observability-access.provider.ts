import type { Provider } from '@nestjs/common';
import { OBSERVABILITY_ACCESS, type ObservabilityAccess } from '@strata/observability';
import { AuthorizationService } from './authorization.service';

/**
 * Governance's implementation of the observability layer's authorization port: traces and the
 * data-access log are read only by principals whose rules allow it (auditors, admins, owners; see
 * OBSERVABILITY_SUBJECTS in built-in-roles.ts), and every such read is stored as a decision.
 */
export const OBSERVABILITY_ACCESS_PROVIDER: Provider = {
  provide: OBSERVABILITY_ACCESS,
  inject: [AuthorizationService],
  useFactory: (authz: AuthorizationService): ObservabilityAccess => ({
    gate: (action, subject) => authz.authorize(action, subject, undefined, { sensitive: true }),
  }),
};
