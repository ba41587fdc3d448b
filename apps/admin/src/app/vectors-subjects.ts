/** The vectors layer's permission subjects, as libs/vectors registers them in the PermissionCatalog. */
export const VECTORS_SUBJECTS = {
  collection: 'Collection',
  document: 'VectorDocument',
  media: 'MediaObject',
} as const;
