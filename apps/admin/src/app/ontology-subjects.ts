/** The permission subjects of the ontology layer, as libs/ontology registers them (ontology-permissions.ts, actions/action-permissions.ts). */
export const ONTOLOGY_SUBJECTS = {
  objectType: 'OntologyObjectType',
  linkType: 'OntologyLinkType',
  object: 'OntologyObject',
  link: 'OntologyLink',
  actionType: 'OntologyActionType',
  action: 'OntologyAction',
} as const;
