import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TestDatabase } from '@strata/testing';

/**
 * Requests with a mutating method that answer 2xx and still change no tenant data, so they leave
 * no audit entry (nor, some, a stored decision); each with why. Everything else that succeeds
 * must have both.
 */
export const MUTATING_METHOD_READS: ReadonlyArray<{ method: string; path: RegExp; status?: number; query?: RegExp; why: string }> = [
  { method: 'POST', path: /^\/v1\/(chat\/completions|messages|embeddings)\/?$/, why: 'a model call: accounted in usage records and traces, not the audit log' },
  { method: 'POST', path: /^\/model-gateway\/playground\/?$/, why: 'a model call from the admin: usage record and trace' },
  { method: 'POST', path: /^\/model-gateway\/guardrails\/test\/?$/, why: 'screens a sample text against the rules, stores nothing' },
  { method: 'POST', path: /^\/model-gateway\/providers\/rotate-credentials\/?$/, why: 'each credential it re-wraps is audited; with none to re-wrap it changes nothing' },
  { method: 'POST', path: /^\/vectors\/collections\/[^/]+\/search\/?$/, why: 'a search: a data-access record, not a change' },
  { method: 'POST', path: /^\/vectors\/media\/?$/, status: 200, why: 'the same upload again: 200, nothing created' },
  { method: 'POST', path: /^\/vectors\/collections\/[^/]+\/documents\/?$/, status: 200, why: 'the same content again: 200 `unchanged`, nothing queued' },
  { method: 'POST', path: /^\/ontology\/(query|traverse|aggregate)\/?$/, why: 'graph reads with a body' },
  { method: 'POST', path: /^\/ontology\/schema\/validate\/?$/, why: 'plans a schema change without applying it' },
  { method: 'POST', path: /^\/ontology\/action-types\/[^/]+\/validate\/?$/, why: 'checks an action’s parameters without applying it' },
  { method: 'POST', path: /^\/ontology\/import\/?$/, query: /(^|&)dryRun=true(&|$)/, why: 'a dry run validates every row and writes nothing' },
  { method: 'POST', path: /^\/context\/agents\/validate\/?$/, why: 'checks an agent spec without saving it' },
  { method: 'POST', path: /^\/context\/runs\/[^/]+\/replay\/?$/, why: 'replays a finished run’s recorded steps for display' },
  { method: 'POST', path: /^\/governance\/decisions\/[^/]+\/replay\/?$/, why: 'evaluates a past decision under today’s policy, a what-if' },
];

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface SeenRequest {
  method: string;
  url: string;
  status: number;
  requestId: string;
}

/**
 * "Every mutation is authorized and audited", checked on every HTTP suite: the harness records
 * each successful request with a mutating method, and at close every one must have an audit entry
 * and an allowed authorization decision with its request id, unless it is a declared read above.
 * Routes added later are covered with no edit.
 */
export class MutationAuditProbe {
  private readonly seen: SeenRequest[] = [];

  attach(server: Server): void {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (!MUTATING.has(request.method ?? '')) return;
      response.on('finish', () => {
        if (response.statusCode < 200 || response.statusCode >= 300) return;
        this.seen.push({ method: request.method ?? '', url: request.url ?? '', status: response.statusCode, requestId: String(response.getHeader('x-request-id') ?? '') });
      });
    });
  }

  /**
   * The successful mutations without an audit entry or without an allowed authorization decision
   * for their request, as `METHOD /path status: what is missing`.
   */
  async unaccounted(db: TestDatabase): Promise<string[]> {
    const mutations = this.seen.filter((request) => !isDeclaredRead(request));
    if (!mutations.length) return [];
    const audited = await requestIds(db, 'SELECT DISTINCT request_id FROM audit_entry WHERE request_id IS NOT NULL');
    const authorized = await requestIds(db, 'SELECT DISTINCT request_id FROM authorization_decision WHERE allowed AND request_id IS NOT NULL');
    return mutations.flatMap((request) => {
      const missing = [!audited.has(request.requestId) && 'no audit entry', !authorized.has(request.requestId) && 'no authorization decision'].filter(Boolean);
      return missing.length ? [`${request.method} ${request.url.split('?')[0]} ${request.status}: ${missing.join(', ')}`] : [];
    });
  }
}

async function requestIds(db: TestDatabase, sql: string): Promise<Set<string>> {
  return new Set((await db.query<{ request_id: string }>(sql)).map((row) => row.request_id));
}

function isDeclaredRead(request: SeenRequest): boolean {
  const [path = '', query = ''] = request.url.split('?');
  return MUTATING_METHOD_READS.some(
    (read) => read.method === request.method && read.path.test(path) && (read.status === undefined || read.status === request.status) && (read.query === undefined || read.query.test(query)),
  );
}
