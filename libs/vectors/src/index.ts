export { VectorsModule } from './lib/vectors.module';
export { VectorsError } from './lib/vectors.errors';
// Internal contracts (README "Internal contracts"): media, collections, ingestion, search.
export * from './lib/vectors.contract';
