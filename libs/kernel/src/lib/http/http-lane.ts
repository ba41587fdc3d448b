import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request a lane serves: Node's request with the JSON body the app's edge parsed. */
export type LaneRequest = IncomingMessage & { body?: unknown };

/**
 * A hot route served straight from the node:http server, in front of the web framework's router
 * and per-request pipeline (what the framework costs per request is a large share of a fast
 * route's latency). A lane changes how a request is dispatched, never what it goes through: it
 * runs the same authentication, authorization, validation and domain code as the route's
 * controller, which stays registered for every request the lane does not take. The API app owns
 * the HTTP edge around lanes (request id, security headers, body parser, request context).
 */
export interface HttpLane<R = unknown> {
  /** The lane's route for this request (exact paths only), or undefined when the framework serves it. */
  routeOf(request: IncomingMessage): R | undefined;
  /**
   * Serves a request whose body was parsed, inside its request context. A rejection is answered
   * by the app in the API's error envelope (a lane with its own wire format answers its failures
   * itself and never rejects).
   */
  serve(route: R, request: LaneRequest, response: ServerResponse): Promise<void>;
}

/** The request's path without its query when its method is `method`, else undefined: where a lane's `routeOf` starts. */
export function pathFor(request: IncomingMessage, method: string): string | undefined {
  if (request.method !== method) return undefined;
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
