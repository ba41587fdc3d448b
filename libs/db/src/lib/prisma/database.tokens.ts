/** Injection token for the open {@link DatabaseRuntime}. */
export const DATABASE_RUNTIME = Symbol.for('strata.db.DatabaseRuntime');
/** Injection token for the result of the start-up migration ({ applied, status }). */
export const MIGRATION_REPORT = Symbol.for('strata.db.MigrationReport');
