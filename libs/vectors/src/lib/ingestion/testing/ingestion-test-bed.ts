import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule, PrismaService, type DatabaseRuntime } from '@strata/db';
import { auditOptionsFromConfig, GovernanceModule } from '@strata/governance';
import { CLOCK, loadConfig, SystemClock } from '@strata/kernel';
import { ModelGatewayModule } from '@strata/model-gateway';
import { ObservabilityModule } from '@strata/observability';
import { CollectionsService } from '../../collections/collections.service';
import { MediaService } from '../../media/media.service';
import { VectorsModule } from '../../vectors.module';
import { DocumentsService } from '../documents.service';
import { IngestionWorker } from '../ingestion-worker';
// Shared with every layer's tests (@strata/testing); re-exported under the names these specs use.
export { testUser as user, runAs as as, failureOf as failure } from '@strata/testing';

@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
class TestClockModule {}

/** The part of `@strata/testing`'s TestDatabase the bed uses (specs create it: only they may import that library). */
export interface BedDatabase {
  runtime: DatabaseRuntime;
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The whole vectors layer with governance, observability and the model gateway, worker polling off (tests call `drain()`). */
export interface IngestionTestBed {
  db: BedDatabase;
  moduleRef: TestingModule;
  prisma: PrismaService;
  collections: CollectionsService;
  documents: DocumentsService;
  media: MediaService;
  worker: IngestionWorker;
  close(): Promise<void>;
}

export async function startIngestionTestBed(db: BedDatabase, env: Record<string, string> = {}): Promise<IngestionTestBed> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'strata-ingestion-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    STRATA_DATA_DIR: dataDir,
    STRATA_AUDIT_CHECKPOINT_INTERVAL_MS: '600000',
    STRATA_APPROVAL_SWEEP_INTERVAL_MS: '600000',
    STRATA_INGESTION_POLL_MS: '0',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      TestClockModule,
      DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false }),
      ObservabilityModule.forRoot(config),
      GovernanceModule.forRoot({ audit: auditOptionsFromConfig(config), approvals: { sweepIntervalMs: 600_000 } }),
      ModelGatewayModule.forRoot(config),
      VectorsModule.forRoot(config),
    ],
  }).compile();
  await moduleRef.init();
  return {
    db,
    moduleRef,
    prisma: moduleRef.get(PrismaService),
    collections: moduleRef.get(CollectionsService),
    documents: moduleRef.get(DocumentsService),
    media: moduleRef.get(MediaService),
    worker: moduleRef.get(IngestionWorker),
    async close() {
      await moduleRef.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function contentOf(bytes: Uint8Array | string): Readable {
  return Readable.from([Buffer.from(bytes)]);
}

