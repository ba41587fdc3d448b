/**
 * The vectors benchmark's floor: the raw kNN statement behind the least HTTP a service can have, in
 * its own process — a `node:http` server that parses the JSON body (a query vector and a scope
 * name), runs the scope's statement on one `pg` connection (index settings set once, as the raw
 * client does) and answers the rows as JSON. No authentication, authorization, data-access record
 * or telemetry. Against the raw statement, its time is what the HTTP hop and JSON alone cost on the
 * bench machine; the API's own work comes on top.
 *
 * The bench first POSTs `/statements` with each scope's statement (`text`, `values`, and the
 * indexes of the values that carry the query vector); then `POST /search` `{ scope, vector }`.
 * Prints `RAW_SEARCH_LISTENING <port>` when ready. Environment: DATABASE_URL, SETTINGS_SQL (run once
 * on connect).
 */
import { createServer, type IncomingMessage } from 'node:http';
import pg from 'pg';

interface ScopeStatement {
  text: string;
  values: unknown[];
  vectorAt: number[];
}

const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
const statements = new Map<string, ScopeStatement>();

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const server = createServer((request, response) => {
  void (async () => {
    try {
      if (request.url === '/statements') {
        for (const [name, statement] of Object.entries((await body(request)) as Record<string, ScopeStatement>)) statements.set(name, statement);
        response.writeHead(204).end();
        return;
      }
      const { scope, vector } = (await body(request)) as { scope: string; vector: number[] };
      const statement = statements.get(scope);
      if (!statement) {
        response.writeHead(404).end();
        return;
      }
      const values = [...statement.values];
      const literal = `[${vector.join(',')}]`;
      for (const at of statement.vectorAt) values[at] = literal;
      const result = await client.query(statement.text, values);
      const payload = JSON.stringify({ hits: result.rows });
      response.writeHead(200, { 'content-type': 'application/json' }).end(payload);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  })();
});

await client.connect();
if (process.env['SETTINGS_SQL']) await client.query(process.env['SETTINGS_SQL']);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`RAW_SEARCH_LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
