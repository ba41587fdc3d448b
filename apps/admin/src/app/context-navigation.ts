import type { NavigationItem } from './navigation';

/** The context layer's sidebar entries (agents, chat, runs); routes in context-routes.tsx. */
export const CONTEXT_NAVIGATION: readonly NavigationItem[] = [
  { path: '/agents', label: 'Agents', section: 'Agents' },
  { path: '/chat', label: 'Chat', section: 'Agents' },
  { path: '/runs', label: 'Runs', section: 'Agents' },
];
