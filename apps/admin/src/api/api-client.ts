import { session } from './session';

/** A failure answered by the API in its error envelope (or a network failure, code `network`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl?: string;
  apiKey?: () => string | null;
}

/** Thin JSON client for the Strata API: sends the session's API key, turns error envelopes into ApiError. */
export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const apiKey = options.apiKey ?? (() => session.apiKey());

  async function request<T>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = apiKey();
    if (key) headers['authorization'] = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, 'network', `Cannot reach the Strata API (${(error as Error).message}). Is it running?`);
    }
    const text = await response.text();
    const payload = text ? safeJson(text) : undefined;
    if (response.ok || accept.includes(response.status)) return payload as T;

    const envelope = (payload as { error?: { code?: string; message?: string; requestId?: string } } | undefined)?.error;
    throw new ApiError(
      response.status,
      envelope?.code ?? `http.status_${response.status}`,
      envelope?.message ?? `The API answered ${response.status} ${response.statusText}.`,
      envelope?.requestId ?? response.headers.get('x-request-id') ?? undefined,
    );
  }

  return {
    get: <T>(path: string, accept?: number[]) => request<T>('GET', path, undefined, accept),
    post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const api = createApiClient();
