import { Module, type DynamicModule, type ModuleMetadata, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { StrataConfig } from '@strata/kernel';
import { DatabaseModule, DEFAULT_PRISMA_DIR, type DatabaseModuleOptions } from '@strata/db';
import { auditOptionsFromConfig, GovernanceModule } from '@strata/governance';
import { ObservabilityModule } from '@strata/observability';
import { ModelGatewayModule } from '@strata/model-gateway';
import { OntologyModule } from '@strata/ontology';
import { VectorsModule } from '@strata/vectors';
import { ContextModule } from '@strata/context';
import { traceLogFields } from '@strata/observability';
import { ClockModule } from './clock.module';
import { STRATA_CONFIG } from './config/config.tokens';
import { HealthController } from './health/health.controller';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { RequestContextMiddleware, requestIdFor } from './http/request-context.middleware';
import { ShutdownState } from './lifecycle/shutdown-state';
import { SystemController } from './system/system.controller';
import { SystemStatusService } from './system/system-status.service';

export interface AppModuleOptions {
  config: StrataConfig;
  /** Where the database's `schema/` and `migrations/` are (copied beside the built bundle). */
  prismaDir?: string;
  /** Overrides the database (tests hand in their own); default: from config. */
  database?: DatabaseModuleOptions;
  /** Further modules to compose into the application (embedding and tests). */
  imports?: NonNullable<ModuleMetadata['imports']>;
}

/** The composition root: every layer's Nest module is imported here as the layers land. */
@Module({})
export class AppModule implements NestModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            // trace_id / span_id of the active span on every line, so logs and traces join.
            mixin: traceLogFields,
            genReqId: (request) => requestIdFor(request as never),
            serializers: {
              req: (request: { id: string; method: string; url: string; remoteAddress?: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
                remoteAddress: request.remoteAddress,
              }),
              res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            },
            customLogLevel: (_request, response, error) =>
              error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
            // Probes every few seconds would drown everything else.
            autoLogging: { ignore: (request) => request.url?.startsWith('/health/') ?? false },
          },
        }),
        DatabaseModule.forRoot(
          options.database ?? {
            databaseUrl: config.DATABASE_URL,
            dataDir: config.STRATA_DATA_DIR,
            embeddedPort: config.STRATA_EMBEDDED_DB_PORT,
            poolMax: config.DATABASE_POOL_MAX,
            migrateOnStart: config.STRATA_MIGRATE_ON_START,
            prismaDir: options.prismaDir ?? DEFAULT_PRISMA_DIR,
          },
        ),
        ClockModule,
        ObservabilityModule.forRoot(config),
        GovernanceModule.forRoot({
          audit: auditOptionsFromConfig(config),
          approvals: { sweepIntervalMs: config.STRATA_APPROVAL_SWEEP_INTERVAL_MS },
        }),
        ModelGatewayModule.forRoot(config),
        OntologyModule.forRoot(config),
        VectorsModule.forRoot(config),
        ContextModule.forRoot(config),
        ...(options.imports ?? []),
      ],
      controllers: [HealthController, SystemController],
      providers: [
        { provide: STRATA_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        ShutdownState,
        SystemStatusService,
      ],
      exports: [STRATA_CONFIG],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*path');
  }
}
