import type { RouteObject } from 'react-router';
import { CollectionPage } from '../pages/vectors/CollectionPage';
import { CollectionsPage } from '../pages/vectors/CollectionsPage';
import { MediaPage } from '../pages/vectors/MediaPage';
import { SearchPlaygroundPage } from '../pages/vectors/SearchPlaygroundPage';

/** The vectors layer's pages (signed-in only); each list has a NAVIGATION entry in vectors-navigation.ts. */
export const VECTORS_ROUTES: RouteObject[] = [
  { path: 'vectors/collections', element: <CollectionsPage /> },
  { path: 'vectors/collections/:id', element: <CollectionPage /> },
  { path: 'vectors/media', element: <MediaPage /> },
  { path: 'vectors/search', element: <SearchPlaygroundPage /> },
];
