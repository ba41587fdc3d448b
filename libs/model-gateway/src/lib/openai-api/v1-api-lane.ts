import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { pathFor, RequestContextStore, sendJson, type HttpLane } from '@strata/kernel';
import { AuthorizationService, RequestAuthenticator } from '@strata/governance';
import { nameHttpServerRoute } from '@strata/observability';
import { serveAnthropicMessages } from '../anthropic-api/anthropic-messages.route';
import { toAnthropicErrorResponse } from '../anthropic-api/anthropic-error';
import { ModelGateway } from '../gateway/model-gateway.service';
import type { V1Request } from './api-call-scope';
import { toApiFailure, type ApiFailure } from './gateway-error-status';
import { serveOpenAiChatCompletion } from './openai-chat.route';
import { toOpenAiErrorResponse } from './openai-error';
import type { V1ErrorResponse } from './v1-api-error.filter';

/** One route the lane serves: how to serve it and how its wire format renders a failure. */
export interface V1LaneRoute {
  /** Route template, for the server span's name and the `http.route` metric attribute. */
  readonly template: string;
  serve(gateway: ModelGateway, request: V1Request, response: ServerResponse): Promise<void>;
  render(failure: ApiFailure, requestId: string | undefined): V1ErrorResponse;
}

const OPENAI_CHAT_COMPLETIONS: V1LaneRoute = {
  template: '/v1/chat/completions',
  serve: serveOpenAiChatCompletion,
  render: (failure) => toOpenAiErrorResponse(failure),
};

const ANTHROPIC_MESSAGES: V1LaneRoute = {
  template: '/v1/messages',
  serve: serveAnthropicMessages,
  render: (failure, requestId) => {
    const { status, headers, body } = toAnthropicErrorResponse(failure);
    return { status, headers: { ...headers, ...(requestId ? { 'request-id': requestId } : {}) }, body };
  },
};

/**
 * The hot /v1 routes (`POST /v1/chat/completions`, `POST /v1/messages`) served straight from the
 * node:http server, in front of Express and Nest's per-request pipeline (router, guards,
 * interceptors, filters), which cost about as much CPU as the gateway's own work at high rates.
 * Nothing about what a request goes through changes: the same {@link RequestAuthenticator} as the
 * global guard (API keys from the verified-key cache, OIDC, purposes), the same
 * `invoke Model` authorization gate as the controllers' `@Authorize`, the same route functions
 * as the Nest controllers (which stay registered and serve the routes wherever the lane is not
 * attached), and failures in each format's own envelope, as the controllers' filters render them.
 * The HTTP edge (request id, security headers, the JSON body parser with its limit, the request
 * context) is the API app's, which attaches the lane (apps/api bootstrap).
 */
@Injectable()
export class V1ApiLane implements HttpLane<V1LaneRoute> {
  private readonly logger = new Logger('V1ApiLane');

  constructor(
    private readonly gateway: ModelGateway,
    private readonly authenticator: RequestAuthenticator,
    private readonly authorization: AuthorizationService,
  ) {}

  /**
   * The lane's route for a request, or undefined when Nest serves it. Exact paths only (query
   * ignored): any other spelling (trailing slash, other case) still reaches the Nest controller.
   */
  routeOf(request: IncomingMessage): V1LaneRoute | undefined {
    const path = pathFor(request, 'POST');
    if (path === OPENAI_CHAT_COMPLETIONS.template) return OPENAI_CHAT_COMPLETIONS;
    if (path === ANTHROPIC_MESSAGES.template) return ANTHROPIC_MESSAGES;
    return undefined;
  }

  /**
   * Serves a request whose body was parsed (`request.body`). Must run inside the request's
   * {@link RequestContextStore} context; never rejects (every failure is answered).
   */
  async serve(route: V1LaneRoute, request: V1Request, response: ServerResponse): Promise<void> {
    nameHttpServerRoute(route.template);
    try {
      await this.authenticator.authenticate(request);
      await this.authorization.gate('invoke', 'Model');
      await route.serve(this.gateway, request, response);
    } catch (error) {
      this.fail(route, error, request, response);
    }
  }

  /** What the controllers' V1ApiErrorFilter does: log the unexpected, envelope the rest. */
  private fail(route: V1LaneRoute, exception: unknown, request: V1Request & { id?: unknown }, response: ServerResponse): void {
    const failure = toApiFailure(exception);
    const requestId = RequestContextStore.current()?.requestId ?? (typeof request.id === 'string' ? request.id : undefined);
    if (failure.internal) this.logger.error({ err: exception, requestId, code: failure.code }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    const { status, headers, body } = route.render(failure, requestId);
    sendJson(response, status, body, headers);
  }
}
