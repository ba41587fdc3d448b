export { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './lib/test-database';
export { migrationsFingerprint } from './lib/migrations-fingerprint';
