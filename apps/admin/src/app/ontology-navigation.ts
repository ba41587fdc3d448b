import type { NavigationItem } from './navigation';

/** The ontology layer's sidebar entries; routes in ontology-routes.tsx. */
export const ONTOLOGY_NAVIGATION: readonly NavigationItem[] = [];
