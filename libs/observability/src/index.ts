export { ObservabilityModule } from './lib/observability.module';
export { ObservabilityError } from './lib/observability.errors';
export { OBSERVABILITY_ACCESS, type ObservabilityAccess } from './lib/observability-access';
export * from './lib/telemetry/public-api';
export * from './lib/trace-store/public-api';
export * from './lib/trace-api/public-api';
export * from './lib/data-access/public-api';
