import type { RouteObject } from 'react-router';
import { ActionLogPage } from '../pages/ontology/ActionLogPage';
import { ActionTypePage } from '../pages/ontology/ActionTypePage';
import { ActionTypesPage } from '../pages/ontology/ActionTypesPage';
import { ObjectExplorerPage } from '../pages/ontology/ObjectExplorerPage';
import { ObjectPage } from '../pages/ontology/ObjectPage';
import { ObjectTypePage } from '../pages/ontology/ObjectTypePage';
import { OntologyTypesPage } from '../pages/ontology/OntologyTypesPage';

/** The ontology layer's pages (signed-in only); each has a NAVIGATION entry in ontology-navigation.ts. */
export const ONTOLOGY_ROUTES: RouteObject[] = [
  { path: 'ontology/types', element: <OntologyTypesPage /> },
  { path: 'ontology/object-types/new', element: <ObjectTypePage /> },
  { path: 'ontology/object-types/:apiName', element: <ObjectTypePage /> },
  { path: 'ontology/objects', element: <ObjectExplorerPage /> },
  { path: 'ontology/objects/:id', element: <ObjectPage /> },
  { path: 'ontology/action-types', element: <ActionTypesPage /> },
  { path: 'ontology/action-types/:id', element: <ActionTypePage /> },
  { path: 'ontology/actions', element: <ActionLogPage /> },
];
