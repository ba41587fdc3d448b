import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, loadConfig, ManualClock } from '@strata/kernel';
import { DatabaseModule } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { DataAccessLog } from './data-access/data-access-log.service';
import { GenAiTelemetry } from './genai/genai-telemetry';
import { OBSERVABILITY_ACCESS } from './observability-access';
import { ObservabilityError } from './observability.errors';
import { ObservabilityModule } from './observability.module';

/** What the API composes around this layer: a clock, and governance's implementation of the access port. */
@Global()
@Module({
  providers: [
    { provide: CLOCK, useValue: new ManualClock() },
    { provide: OBSERVABILITY_ACCESS, useValue: { gate: async () => undefined } },
  ],
  exports: [CLOCK, OBSERVABILITY_ACCESS],
})
class PlatformModule {}

describe('ObservabilityModule', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  it('resolves with the database, a clock and an access port, and exposes its services', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule, DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false }), ObservabilityModule.forRoot(loadConfig({}))],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      expect(app.get(GenAiTelemetry)).toBeInstanceOf(GenAiTelemetry);
      expect(app.get(DataAccessLog)).toBeInstanceOf(DataAccessLog);
    } finally {
      await app.close();
    }
  });

  it('raises errors with codes of this layer', () => {
    const error = new ObservabilityError('observability.example', 'not_found', 'Example not found.');
    expect(error.code).toBe('observability.example');
    expect(error.kind).toBe('not_found');
  });
});
