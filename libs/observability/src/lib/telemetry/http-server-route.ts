import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Names the active HTTP server span and its `http.route` metric attribute by route template, as the
 * Express instrumentation does for Nest routes: for requests served without Express (the model
 * gateway's /v1 lane). A no-op when the request is not traced.
 */
export function nameHttpServerRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
