import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { installJsonParseGuard } from '@strata/kernel';
import { V1ApiLane } from '@strata/model-gateway';
import { createMetricsHandler, getTelemetry } from '@strata/observability';
import { SearchApiLane } from '@strata/vectors';
import { serveAdmin } from './admin/admin-static';
import { AppModule, type AppModuleOptions } from './app.module';
import { assignRequestId } from './http/request-context.middleware';
import { attachHttpLanes } from './http/http-lanes.attach';
import { setUpOpenApi } from './openapi/openapi';

/**
 * Builds the configured API application (not yet listening). `main.ts` and the HTTP tests share it,
 * so tests exercise the same middleware, limits and error mapping as production.
 */
export async function createApiApp(options: AppModuleOptions): Promise<NestExpressApplication> {
  const { config } = options;
  // Before anything parses JSON: request bodies, Prisma's JSON columns, providers' answers.
  installJsonParseGuard();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    // Nest's own console logger stays off: pino takes over below, and boot failures are thrown to
    // the caller (main prints them once, with their code) instead of being logged with a stack and
    // exiting here.
    logger: false,
    abortOnError: false,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(assignRequestId);
  // Prometheus scrapes: in front of Nest (its guards want an API key, a scraper has at most the
  // metrics token) and of the body parsers. Only when the SDK runs (STRATA_TELEMETRY=on, preloaded).
  const telemetry = getTelemetry();
  if (telemetry) app.use('/metrics', createMetricsHandler(telemetry.prometheus, config.STRATA_METRICS_TOKEN));
  else if (config.STRATA_TELEMETRY === 'on' && config.NODE_ENV !== 'test') {
    app
      .get(Logger)
      .warn('STRATA_TELEMETRY=on but the OpenTelemetry SDK is not running: start with `node --import ./dist/apps/api/telemetry.js dist/apps/api/main.js`.');
  }
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        // Swagger UI at /docs styles itself inline.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
      },
    },
  });
  app.use(securityHeaders);
  // The hot routes (the /v1 model routes, vector search) skip Express and Nest's per-request
  // pipeline: same edge, same checks (http/http-lanes.attach.ts).
  attachHttpLanes(app, { bodyLimit: config.STRATA_BODY_LIMIT, securityHeaders }, [app.get(V1ApiLane), app.get(SearchApiLane)]);
  app.useBodyParser('json', { limit: config.STRATA_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: config.STRATA_BODY_LIMIT, extended: false });

  setUpOpenApi(app);
  serveAdmin(app, config.STRATA_ADMIN_DIST);
  return app;
}
