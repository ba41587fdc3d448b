import type { NavigationItem } from './navigation';

/** The vectors layer's sidebar entries; routes in vectors-routes.tsx. */
export const VECTORS_NAVIGATION: readonly NavigationItem[] = [
  { path: '/vectors/collections', label: 'Collections', section: 'Data' },
  { path: '/vectors/media', label: 'Media', section: 'Data' },
  { path: '/vectors/search', label: 'Search playground', section: 'Data' },
];
