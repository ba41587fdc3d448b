import { Injectable } from '@nestjs/common';
import type { ToolReference } from '../agents/agent-spec';
import { SafeHttpFetcher, type HttpMethod } from './safe-http-fetch';
import { approvalOf } from './tool-descriptor-parts';
import { TOOL_LIMITS } from './tool-limits';
import type { ToolDescriptor, ToolInvocation, ToolOutcome, ToolProvider, ToolResolutionContext } from './tool.contract';
import { UnknownToolError } from './tool.errors';

type HttpReference = Extract<ToolReference, { kind: 'http' }>;

/**
 * `{ kind: 'http' }`: an HTTP request to a public host through the SSRF guard (SafeHttpFetcher).
 * GET/HEAD-only tools are `read`; a tool that may send other methods is `external`, and those
 * requests carry the call's idempotency key as `Idempotency-Key` so a receiver can drop a repeat.
 */
@Injectable()
export class HttpToolProvider implements ToolProvider {
  readonly id = 'http';

  constructor(private readonly fetcher: SafeHttpFetcher) {}

  async describe(reference: ToolReference, context: ToolResolutionContext): Promise<ToolDescriptor[]> {
    void context;
    if (reference.kind !== 'http') throw new UnknownToolError(reference.kind, 'not an http reference');
    const methods = [...reference.methods];
    const hosts = reference.allowedHosts.length ? reference.allowedHosts.join(', ') : 'any public host';
    const writes = methods.some((method) => method !== 'GET' && method !== 'HEAD');
    return [
      {
        name: reference.name ?? 'http_request',
        description: (
          reference.description ??
          `Sends an HTTP request (${methods.join(', ')}) to ${hosts} over ${reference.allowHttp ? 'http or https' : 'https'} and returns the status and the body as text (at most ${TOOL_LIMITS.httpResponseBytes} bytes, marked when cut).`
        ).slice(0, 2000),
        parameters: {
          type: 'object',
          properties: {
            url: { type: 'string', minLength: 1, maxLength: 4096, description: 'Absolute URL.' },
            method: { enum: methods, description: `Default ${methods[0]}.` },
            headers: { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 }, maxProperties: 20 },
            ...(writes ? { body: { type: 'string', maxLength: TOOL_LIMITS.httpRequestBodyBytes, description: 'Request body (text or JSON text).' } } : {}),
          },
          required: ['url'],
          additionalProperties: false,
        },
        reference,
        provider: this.id,
        execution: writes ? 'external' : 'read',
        permission: { action: 'execute', subject: 'AgentTool', record: { name: reference.name ?? 'http_request', provider: this.id, kind: 'http', hosts: [...reference.allowedHosts], methods } },
        approval: approvalOf(reference),
      },
    ];
  }

  async execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome> {
    const reference = descriptor.reference as HttpReference;
    const args = invocation.arguments as { url: string; method?: HttpMethod; headers?: Record<string, string>; body?: string };
    const response = await this.fetcher.fetch(
      { url: args.url, method: args.method ?? (reference.methods[0] as HttpMethod), headers: args.headers, body: args.body, idempotencyKey: invocation.idempotencyKey },
      { allowedHosts: reference.allowedHosts, allowHttp: reference.allowHttp, methods: reference.methods },
      invocation.signal,
    );
    const method = args.method ?? reference.methods[0];
    return {
      status: 'ok',
      content: response,
      ...(method !== 'GET' && method !== 'HEAD' ? { effects: [`http.${String(method).toLowerCase()}:${new URL(response.url).host}`] } : {}),
    };
  }
}
