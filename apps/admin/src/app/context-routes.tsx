import type { RouteObject } from 'react-router';
import { AgentEditorPage } from '../pages/context/AgentEditorPage';
import { AgentsPage } from '../pages/context/AgentsPage';
import { ChatPage } from '../pages/context/ChatPage';
import { RunPage } from '../pages/context/RunPage';
import { RunsPage } from '../pages/context/RunsPage';

/** The context layer's pages (signed-in only); the lists have NAVIGATION entries in context-navigation.ts. Static segments outrank `:id`. */
export const CONTEXT_ROUTES: RouteObject[] = [
  { path: 'agents', element: <AgentsPage /> },
  { path: 'agents/new', element: <AgentEditorPage /> },
  { path: 'chat', element: <ChatPage /> },
  { path: 'runs', element: <RunsPage /> },
  { path: 'runs/:id', element: <RunPage /> },
  { path: 'agents/:id', element: <AgentEditorPage /> },
];
