import type { RouteObject } from 'react-router';
import { BudgetsUsagePage } from '../pages/model-gateway/BudgetsUsagePage';
import { CatalogPage } from '../pages/model-gateway/CatalogPage';
import { GuardrailsPage } from '../pages/model-gateway/GuardrailsPage';
import { PlaygroundPage } from '../pages/model-gateway/PlaygroundPage';
import { ProvidersPage } from '../pages/model-gateway/ProvidersPage';

/** The model-gateway layer's pages (signed-in only); each has a NAVIGATION entry in model-gateway-navigation.ts. */
export const MODEL_GATEWAY_ROUTES: RouteObject[] = [
  { path: 'models/providers', element: <ProvidersPage /> },
  { path: 'models/catalog', element: <CatalogPage /> },
  { path: 'models/usage', element: <BudgetsUsagePage /> },
  { path: 'models/guardrails', element: <GuardrailsPage /> },
  { path: 'models/playground', element: <PlaygroundPage /> },
];
