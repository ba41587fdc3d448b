import { ApiError } from '../api/api-client';

/** What the reader can do about a gateway error, and the admin page where they do it. */
export interface NextStep {
  text: string;
  link?: { to: string; label: string };
}

/**
 * The next step for the gateway's stable error codes (the API's message says what went wrong;
 * this says where to fix it). Codes are matched by their last part so a renamed prefix still works.
 */
export function gatewayNextStep(error: unknown): NextStep | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const code = error.code.replace(/^model-gateway\./, '');
  switch (code) {
    case 'no_provider':
    case 'no_provider_configured':
    case 'provider_not_configured':
      return { text: 'No model provider is configured for this tenant: add one, then add its models to the catalog.', link: { to: '/models/providers', label: 'Configure a model provider' } };
    case 'unknown_model':
    case 'model_required':
    case 'wrong_operation':
    case 'no_capable_model':
    case 'context_window_exceeded':
      return { text: 'Name an alias or a model of the catalog, or add it there.', link: { to: '/models/catalog', label: 'Open the model catalog' } };
    case 'provider_auth_failed':
    case 'credential_unreadable':
      return { text: 'Check the provider: it must be enabled and have a valid credential.', link: { to: '/models/providers', label: 'Open providers & credentials' } };
    case 'all_routes_failed':
    case 'stream_interrupted':
      return { text: 'Every target of the route failed. Check the providers, or add a fallback target to the alias.', link: { to: '/models/catalog', label: 'Edit routing' } };
    case 'budget_exceeded':
    case 'rate_limited':
      return { text: 'A budget or rate limit of this tenant is used up: wait for it to reset, or raise its limit.', link: { to: '/models/usage', label: 'Open budgets & usage' } };
    case 'in_use':
      return { text: 'Something still refers to it: change or delete the catalog models and aliases named in the message first.', link: { to: '/models/catalog', label: 'Open the model catalog' } };
    case 'guardrail_blocked':
      return { text: 'A guardrail rule with action "block" matched the prompt. Remove the matched content or change the rule.', link: { to: '/models/guardrails', label: 'Open guardrails' } };
    case 'key_encryption_unavailable':
    case 'kek_missing':
      return { text: 'Provider credentials cannot be encrypted: the platform needs a key-encryption key in its configuration. Ask the operator of this installation.' };
    default:
      return undefined;
  }
}
