export { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './lib/test-database';
export { migrationsFingerprint } from './lib/migrations-fingerprint';
export { startFakeProvider } from './lib/fake-providers/start-fake-provider';
export type { FakeProvider, RecordedRequest } from './lib/fake-providers/fake-provider-server';
export type { FakeErrorReply, FakeFinishReason, FakeProviderKind, FakeReply, FakeToolCall, WireBody } from './lib/fake-providers/fake-reply';
export { startFakeS3, type FakeS3, type FakeS3Object, type FakeS3Request } from './lib/fake-s3/fake-s3-server';
export { testUser, runAs } from './lib/test-principals';
export { failureOf, type TestFailure } from './lib/failure-of';
