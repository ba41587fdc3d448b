import { SetMetadata } from '@nestjs/common';

export const AUTHORIZE_METADATA = 'strata:authorize';

export interface AuthorizeMetadata {
  action: string;
  subject: string;
}

/**
 * Route-level check: the caller must hold some rule allowing `action` on `subject` (type level).
 * It is a gate, not the decision: services still call `AuthorizationService.authorize` with the
 * specific record, which is what rules with conditions and fields need.
 */
export const Authorize = (action: string, subject: string) => SetMetadata(AUTHORIZE_METADATA, { action, subject } satisfies AuthorizeMetadata);
