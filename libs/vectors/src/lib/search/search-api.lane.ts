import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { pathFor, sendJson, type HttpLane, type LaneRequest } from '@strata/kernel';
import { AuthorizationService, RequestAuthenticator } from '@strata/governance';
import { nameHttpServerRoute } from '@strata/observability';
import { COLLECTION_SUBJECT } from '../collections/vectors-permissions';
import { searchOverHttp } from './search-over-http';
import { VectorSearchService } from './vector-search.service';

export interface SearchLaneRoute {
  /** Route template, for the server span's name and the `http.route` metric attribute. */
  readonly template: string;
  /** The collection's id or name, from the path. */
  readonly collection: string;
}

const TEMPLATE = '/vectors/collections/:id/search';
const PATH = /^\/vectors\/collections\/([^/]+)\/search$/;

/**
 * `POST /vectors/collections/:id/search` served in front of Express and Nest's per-request
 * pipeline (an {@link HttpLane}): a search is a few milliseconds of database work, and the
 * framework's router, guards, pipes and response handling were a large share of the rest
 * (docs/benchmarks.md, "Vectors"). What a search goes through is unchanged: the same
 * {@link RequestAuthenticator} as the global guard, the same `read Collection` gate as the
 * controller's `@Authorize`, then {@link searchOverHttp}, which the controller runs too.
 */
@Injectable()
export class SearchApiLane implements HttpLane<SearchLaneRoute> {
  constructor(
    private readonly search: VectorSearchService,
    private readonly authenticator: RequestAuthenticator,
    private readonly authorization: AuthorizationService,
  ) {}

  /** Exact path only (query ignored); another spelling, or a malformed escape in the id, goes to Nest. */
  routeOf(request: IncomingMessage): SearchLaneRoute | undefined {
    const match = PATH.exec(pathFor(request, 'POST') ?? '');
    if (!match) return undefined;
    try {
      return { template: TEMPLATE, collection: decodeURIComponent(match[1] as string) };
    } catch {
      return undefined;
    }
  }

  async serve(route: SearchLaneRoute, request: LaneRequest, response: ServerResponse): Promise<void> {
    nameHttpServerRoute(route.template);
    await this.authenticator.authenticate(request);
    await this.authorization.gate('read', COLLECTION_SUBJECT);
    sendJson(response, 200, await searchOverHttp(this.search, route.collection, request.body));
  }
}
