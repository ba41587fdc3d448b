import type { NavigationItem } from './navigation';

/** The ontology layer's sidebar entries; routes in ontology-routes.tsx. */
export const ONTOLOGY_NAVIGATION: readonly NavigationItem[] = [
  { path: '/ontology/types', label: 'Ontology manager', section: 'Ontology' },
  { path: '/ontology/objects', label: 'Object explorer', section: 'Ontology' },
  { path: '/ontology/action-types', label: 'Action types', section: 'Ontology' },
  { path: '/ontology/actions', label: 'Action log', section: 'Ontology' },
];
