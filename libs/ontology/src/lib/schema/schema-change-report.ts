/** One thing a proposed change would do or break, explained for the person (or agent) proposing it. */
export interface ChangeFinding {
  /** `error`: the change itself is invalid; `breaking`: existing data contradicts it; `info`: what it will do. */
  severity: 'error' | 'breaking' | 'info';
  code: string;
  message: string;
  path?: string;
  affected?: { count: number; sampleIds?: string[]; sampleValues?: unknown[] };
}

export interface ChangeReport {
  index: number;
  kind: string;
  target: string;
  ok: boolean;
  findings: ChangeFinding[];
}

/** What POST /ontology/schema/validate answers (and a refused change carries in `details.report`). */
export interface SchemaValidationReport {
  valid: boolean;
  /** The schema version the changes were checked against. */
  baseVersion: number;
  changes: ChangeReport[];
}
