import { session } from './session';

/** One failing field of a request, as the API reports it in `error.details.issues`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A failure answered by the API in its error envelope (or a network failure, code `network`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The field errors of a validation failure (`details.issues`), or none. */
  get issues(): FieldIssue[] {
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) return [];
    return issues.filter(
      (issue): issue is FieldIssue => typeof issue === 'object' && issue !== null && typeof issue.path === 'string' && typeof issue.message === 'string',
    );
  }
}

export interface ApiClientOptions {
  baseUrl?: string;
  apiKey?: () => string | null;
}

/** A file the API streamed back (an export), with the name it suggested. */
export interface Download {
  blob: Blob;
  filename: string | undefined;
}

/** Thin JSON client for the Strata API: sends the session's API key, turns error envelopes into ApiError. */
export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const apiKey = options.apiKey ?? (() => session.apiKey());

  async function send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    const key = apiKey();
    if (key) headers['authorization'] = `Bearer ${key}`;
    // A FormData body (an upload) is sent as multipart/form-data: fetch writes that header with its boundary.
    const form = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !form) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, 'network', `Cannot reach the Strata API (${(error as Error).message}). Is it running?`);
    }
  }

  async function failure(response: Response, payload: unknown): Promise<ApiError> {
    const envelope = (payload as { error?: { code?: string; message?: string; requestId?: string; details?: unknown } } | undefined)?.error;
    return new ApiError(
      response.status,
      envelope?.code ?? `http.status_${response.status}`,
      envelope?.message ?? `The API answered ${response.status} ${response.statusText}.`,
      envelope?.requestId ?? response.headers.get('x-request-id') ?? undefined,
      envelope?.details,
    );
  }

  async function request<T>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<T> {
    const response = await send(method, path, body, 'application/json');
    const text = await response.text();
    const payload = text ? safeJson(text) : undefined;
    if (response.ok || accept.includes(response.status)) return payload as T;
    throw await failure(response, payload);
  }

  /** A streamed file (an export): fetched with the bearer header, which a plain link cannot send. */
  async function download(path: string): Promise<Download> {
    const response = await send('GET', path, undefined, '*/*');
    if (!response.ok) throw await failure(response, safeJson(await response.text()));
    return { blob: await response.blob(), filename: filenameOf(response.headers.get('content-disposition')) };
  }

  return {
    get: <T>(path: string, accept?: number[]) => request<T>('GET', path, undefined, accept),
    post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
    /** A multipart/form-data upload (files), answered with JSON like every other call. */
    postForm: <T>(path: string, form: FormData) => request<T>('POST', path, form),
    put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
    patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
    delete: <T = void>(path: string) => request<T>('DELETE', path),
    download,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header (RFC 6266, plain or `filename*=UTF-8''…`). */
export function filenameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // malformed percent-encoding: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(disposition);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name || undefined;
}

/** `?a=1&b=x` from the defined, non-empty values of `params` (a leading `?` only when there is one). */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = createApiClient();

/** A cursor page of a governance list: pass `nextCursor` back as `cursor` for the next one (null: the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
