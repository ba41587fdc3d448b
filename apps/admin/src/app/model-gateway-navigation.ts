import type { NavigationItem } from './navigation';

/** The model-gateway layer's sidebar entries; routes in model-gateway-routes.tsx. */
export const MODEL_GATEWAY_NAVIGATION: readonly NavigationItem[] = [
  { path: '/models/providers', label: 'Providers & credentials', section: 'Models' },
  { path: '/models/catalog', label: 'Model catalog & routing', section: 'Models' },
  { path: '/models/usage', label: 'Budgets & usage', section: 'Models' },
  { path: '/models/guardrails', label: 'Guardrails', section: 'Models' },
  { path: '/models/playground', label: 'Playground', section: 'Models' },
];
