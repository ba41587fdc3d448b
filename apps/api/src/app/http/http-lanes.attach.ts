import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { RequestContextStore, type HttpLane } from '@strata/kernel';
import { sendApiError } from './api-exception.filter';
import { assignRequestId } from './request-context.middleware';

export interface HttpLaneEdge {
  /** STRATA_BODY_LIMIT: the same limit as the app's JSON body parser. */
  bodyLimit: string;
  /** The app's security-header middleware (helmet), so the lanes' answers carry the same headers. */
  securityHeaders: RequestHandler;
}

/**
 * Puts the libraries' {@link HttpLane}s (the model gateway's /v1 routes, vector search) in front
 * of Express on the app's HTTP server: their routes skip Express's router and Nest's per-request
 * pipeline, every other request goes to Express exactly as before. The lanes' requests still get
 * the app's HTTP edge, in the app's order: Express's request/response objects (so `request.ip`
 * honours `trust proxy`), the request id (`X-Request-Id`), the security headers, the JSON body
 * parser with the configured limit, then the request context; failures the lane does not answer
 * itself (and the body parser's) in the API's own envelope, as the global filter renders them for
 * every route; one access-log line per response, as pino-http writes it.
 *
 * Call after the app is created, before it listens.
 */
export function attachHttpLanes(app: NestExpressApplication, edge: HttpLaneEdge, lanes: ReadonlyArray<HttpLane>): void {
  const server = app.getHttpServer() as Server;
  const expressApp = app.getHttpAdapter().getInstance() as Express;
  const parseJson = express.json({ limit: edge.bodyLimit });

  const expressListeners = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    let lane: HttpLane | undefined;
    let route: unknown;
    for (const candidate of lanes) {
      route = candidate.routeOf(incoming);
      if (route !== undefined) {
        lane = candidate;
        break;
      }
    }
    if (!lane) {
      for (const listener of expressListeners) listener.call(server, incoming, outgoing);
      return;
    }
    const serving = lane;
    // What Express's app.handle does first: its request/response prototypes, so the edge
    // middleware below (and `request.ip`) behave as on any other route.
    const request = incoming as Request & { id?: string };
    const response = outgoing as Response;
    request.res = response;
    response.req = request;
    Object.setPrototypeOf(request, expressApp.request);
    Object.setPrototypeOf(response, expressApp.response);
    const started = performance.now();
    response.once('finish', () => logAccess(request, response, started));

    assignRequestId(request, response, () =>
      edge.securityHeaders(request, response, () =>
        parseJson(request, response, (error?: unknown) => {
          if (error) return sendApiError(request, response, error);
          RequestContextStore.run({ requestId: String(request.id), ip: request.ip }, () => {
            serving.serve(route, request, response).catch((failure: unknown) => sendApiError(request, response, failure));
          });
        }),
      ),
    );
  });
}

/** pino-http's "request completed" line (same fields and levels as app.module's pinoHttp options). */
function logAccess(request: Request & { id?: string }, response: Response, started: number): void {
  // Read per line: nestjs-pino sets its root logger when the LoggerModule starts.
  const logger = PinoLogger.root as PinoLogger['logger'] | undefined;
  if (!logger) return;
  const status = response.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      req: { id: request.id, method: request.method, url: request.url, remoteAddress: request.socket.remoteAddress },
      res: { statusCode: status },
      responseTime: Math.round(performance.now() - started),
    },
    'request completed',
  );
}
