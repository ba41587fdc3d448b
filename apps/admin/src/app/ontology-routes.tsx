import type { RouteObject } from 'react-router';

/** The ontology layer's pages (signed-in only); each has a NAVIGATION entry in ontology-navigation.ts. */
export const ONTOLOGY_ROUTES: RouteObject[] = [];
