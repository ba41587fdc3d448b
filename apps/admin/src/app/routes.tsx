import type { RouteObject } from 'react-router';
import { Shell } from '../components/Shell';
import { NotFoundPage } from '../pages/NotFoundPage';
import { OverviewPage } from '../pages/OverviewPage';
import { SignInPage } from '../pages/SignInPage';
import { SystemStatusPage } from '../pages/SystemStatusPage';

/** Routes under /admin; every NAVIGATION entry must have one (navigation.spec.ts checks). */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'system', element: <SystemStatusPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
