import type { RouteObject } from 'react-router';
import { RequireSignIn } from '../components/RequireSignIn';
import { Shell } from '../components/Shell';
import { ApiKeysPage } from '../pages/governance/ApiKeysPage';
import { ApprovalDetailPage } from '../pages/governance/ApprovalDetailPage';
import { ApprovalsPage } from '../pages/governance/ApprovalsPage';
import { AuditLogPage } from '../pages/governance/AuditLogPage';
import { DecisionsPage } from '../pages/governance/DecisionsPage';
import { MembersPage } from '../pages/governance/MembersPage';
import { PoliciesPage } from '../pages/governance/PoliciesPage';
import { PurposesPage } from '../pages/governance/PurposesPage';
import { DataAccessPage } from '../pages/observability/DataAccessPage';
import { TracePage } from '../pages/observability/TracePage';
import { TracesPage } from '../pages/observability/TracesPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { OverviewPage } from '../pages/OverviewPage';
import { SignInPage } from '../pages/SignInPage';
import { SystemStatusPage } from '../pages/SystemStatusPage';
import { CONTEXT_ROUTES } from './context-routes';
import { MODEL_GATEWAY_ROUTES } from './model-gateway-routes';
import { ONTOLOGY_ROUTES } from './ontology-routes';
import { VECTORS_ROUTES } from './vectors-routes';

/** Routes under /admin; every NAVIGATION entry must have one (navigation.spec.ts checks). */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'system', element: <SystemStatusPage /> },
      {
        // Observability and governance pages need a signed-in caller: without an API key, to /sign-in and back.
        element: <RequireSignIn />,
        children: [
          { path: 'observability/traces', element: <TracesPage /> },
          { path: 'observability/traces/:traceId', element: <TracePage /> },
          { path: 'observability/data-access', element: <DataAccessPage /> },
          { path: 'governance/members', element: <MembersPage /> },
          { path: 'governance/service-accounts', element: <ApiKeysPage /> },
          { path: 'governance/policies', element: <PoliciesPage /> },
          { path: 'governance/purposes', element: <PurposesPage /> },
          { path: 'governance/approvals', element: <ApprovalsPage /> },
          { path: 'governance/approvals/:id', element: <ApprovalDetailPage /> },
          { path: 'governance/audit', element: <AuditLogPage /> },
          { path: 'governance/decisions', element: <DecisionsPage /> },
          ...MODEL_GATEWAY_ROUTES,
          ...ONTOLOGY_ROUTES,
          ...VECTORS_ROUTES,
          ...CONTEXT_ROUTES,
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
