import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { installJsonParseGuard } from '@strata/kernel/json';
import { routes } from './app/routes';
import './styles.css';

// Chrome and Edge share V8's escaped-key bug the API guards against (libs/kernel README; seen on V8
// 13.6 and 14.6, fixed in the Chromium 156 of the browser tests), and the admin parses API answers
// and the JSON an operator types (policies, properties) with JSON.parse. A sound engine gets nothing.
installJsonParseGuard();

const router = createBrowserRouter(routes, { basename: '/admin' });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
