import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/**
 * The `/metrics` handler: the Prometheus text format from the SDK's Prometheus reader, served on
 * the API's own port. Mounted in front of Nest (its guards want an API key; scrapers have none).
 * With `token` set, a scrape must send `Authorization: Bearer <token>`; the comparison is in
 * constant time over digests so neither the token nor its length leaks through timing.
 */
export function createMetricsHandler(
  prometheus: Pick<PrometheusExporter, 'getMetricsRequestHandler'>,
  token: string | undefined,
): (request: IncomingMessage, response: ServerResponse) => void {
  const expected = token === undefined ? undefined : digest(token);
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
      return;
    }
    if (expected) {
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match || !timingSafeEqual(digest(match[1].trim()), expected)) {
        response
          .writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
          .end('Unauthorized\n');
        return;
      }
    }
    response.setHeader('cache-control', 'no-store');
    prometheus.getMetricsRequestHandler(request, response);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
