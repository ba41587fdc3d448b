import { DomainError } from '@strata/kernel';

export class EmbeddedDatabaseInUseError extends DomainError {
  constructor(dataDir: string, pid: number, url: string | undefined) {
    super(
      'db.embedded_in_use',
      'conflict',
      `The embedded database in ${dataDir} is open in another process (pid ${pid}${url ? `, reachable at ${url}` : ''}). ` +
        'Stop that process first, or point DATABASE_URL at it.',
      { details: { dataDir, pid } },
    );
  }
}

export class MigrationFailedError extends DomainError {
  constructor(message: string, cause?: unknown) {
    super(
      'db.migration_failed',
      'internal',
      `${message} Check the migration SQL and the database log; after fixing it, run \`npm run db:migrate\` again.`,
      { cause },
    );
  }
}

export class MigrationHistoryError extends DomainError {
  constructor(message: string, details: Record<string, unknown>) {
    super('db.migration_history_diverged', 'failed_precondition', message, { details });
  }
}

export class DatabaseUnavailableError extends DomainError {
  constructor(message: string, cause?: unknown) {
    super('db.unavailable', 'unavailable', message, { cause });
  }
}
