import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule, type DatabaseRuntime } from '@strata/db';
import { GovernanceModule } from '@strata/governance';
import { CLOCK, configSchema, SystemClock } from '@strata/kernel';
import { ObservabilityModule } from '@strata/observability';
import { OntologyModule } from '@strata/ontology';

@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
class BenchClockModule {}

/** The ontology layer composed as the API composes it (governance, observability), without HTTP. */
export async function startOntologyApp(runtime: DatabaseRuntime): Promise<TestingModule> {
  const config = configSchema.parse({ LOG_LEVEL: 'silent' });
  const moduleRef = await Test.createTestingModule({
    imports: [
      BenchClockModule,
      DatabaseModule.forRoot({ runtime, migrateOnStart: false }),
      GovernanceModule.forRoot({
        audit: { dataDir: 'node_modules/.cache/strata-bench-data', checkpointEvery: 1_000_000, checkpointIntervalMs: 0 },
        approvals: { sweepIntervalMs: 0 },
      }),
      ObservabilityModule.forRoot(config),
      OntologyModule.forRoot(config),
    ],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}
