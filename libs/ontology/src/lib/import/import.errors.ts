import { OntologyError } from '../ontology.errors';

/** A commit with invalid rows writes nothing; `details.report` lists the errors per row. */
export class ImportRejectedError extends OntologyError {
  constructor(report: unknown, failed: number) {
    super('ontology.import_rejected', 'failed_precondition', `${failed} rows are invalid; nothing was imported. Fix them (see details.report) and retry.`, {
      details: { report },
    });
  }
}

export class ImportUnreadableError extends OntologyError {
  constructor(message: string) {
    super('ontology.import_unreadable', 'invalid_argument', message);
  }
}
