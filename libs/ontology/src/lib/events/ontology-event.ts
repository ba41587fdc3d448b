/** The kinds of event the ontology emits. Later layers may add their own `<area>.<verb>` kinds through {@link OntologyEvents.append}. */
export const ONTOLOGY_EVENT_TYPES = [
  'object.created',
  'object.changed',
  'object.deleted',
  'object.restored',
  'link.created',
  'link.deleted',
  'action.applied',
  'schema.changed',
] as const;

export interface OntologyEventInput {
  type: string;
  objectTypeApiName?: string;
  objectId?: string;
  linkTypeApiName?: string;
  linkId?: string;
  actionId?: string;
  actionTypeApiName?: string;
  /** Plain JSON. */
  payload: Record<string, unknown>;
}

/** An event as the feed returns it; `sequence` is a decimal string (a bigint). */
export interface OntologyEventView {
  sequence: string;
  id: string;
  type: string;
  objectTypeApiName: string | null;
  objectId: string | null;
  linkTypeApiName: string | null;
  linkId: string | null;
  actionId: string | null;
  actionTypeApiName: string | null;
  actor: { type: string; id: string };
  payload: unknown;
  occurredAt: Date;
}

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
