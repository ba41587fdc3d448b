import type { DynamicModule, Provider } from '@nestjs/common';
import { ChunkStore } from './chunk-store';
import { DocumentsController } from './documents.controller';
import { DocumentsRepository } from './documents.repository';
import { DocumentsService } from './documents.service';
import { IngestionJobsRepository } from './ingestion-jobs.repository';
import { IngestionWorker } from './ingestion-worker';

export const INGESTION_PROVIDERS: Provider[] = [DocumentsRepository, IngestionJobsRepository, ChunkStore, IngestionWorker, DocumentsService];
export const INGESTION_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [DocumentsController];
