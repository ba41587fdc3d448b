import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, AuthorizationService } from '@strata/governance';
import { isDomainError, newId, RequestContextStore, withSpan, type Actor, type RequestContext } from '@strata/kernel';
import { GenAiTelemetry } from '@strata/observability';
import { BuiltinToolProvider } from './builtin-tool-provider';
import { HttpToolProvider } from './http-tool-provider';
import { OntologyActionToolProvider } from './ontology-action-tool-provider';
import { ToolArgumentsParser } from './tool-arguments';
import { TOOL_LIMITS } from './tool-limits';
import { ToolPrincipalRolesRepository, type PrincipalStanding } from './tool-principal-roles.repository';
import type {
  ToolCallDecision,
  ToolCallPrincipal,
  ToolDescriptor,
  ToolInvocation,
  ToolOutcome,
  ToolProvider,
  ToolRegistryApi,
  ToolResolutionContext,
} from './tool.contract';
import { ContextError } from '../context.errors';
import { DuplicateToolNameError, ToolProviderExistsError, UnknownToolError } from './tool.errors';
import { VectorSearchToolProvider } from './vector-search-tool-provider';

/**
 * Standings read by an allowing `decide`, kept for the `execute` of the same call right after it
 * (no second read); older than this, or after an approval wait, `execute` reads them again.
 */
const STANDINGS_KEPT = 1_000;
const STANDING_MAX_AGE_MS = 10_000;
/**
 * Within one run, the calls of consecutive steps reuse the principal's standing (membership,
 * roles, purpose) read less than this long ago: a user removed, disabled or re-roled mid-run loses
 * the agent's tools within this bound. CASL still decides every call on those roles.
 */
export const RUN_STANDING_TTL_MS = 1_000;

/**
 * The tool layer as the runtime sees it: resolves a spec's tool references through the providers,
 * parses the model's arguments, decides each call for the principal the run acts for (CASL under
 * the run's purpose, then the approval policy) and executes allowed calls in an `execute_tool`
 * span with a deadline and an output cap. The principal always comes from the invocation (the
 * runtime's run record), never from anything a tool returned; a denial is audited and returned to
 * the model as a tool result, and a tool's own failure is an `error` outcome, never a throw.
 */
@Injectable()
export class ToolRegistry implements ToolRegistryApi {
  private readonly logger = new Logger('ToolRegistry');
  private readonly providers = new Map<string, ToolProvider>();
  private readonly parser = new ToolArgumentsParser();
  private readonly standings = new Map<string, { standing: Extract<PrincipalStanding, { ok: true }>; atMs: number }>();
  private readonly standingsOfRuns = new Map<string, { standing: Extract<PrincipalStanding, { ok: true }>; atMs: number }>();

  constructor(
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly genai: GenAiTelemetry,
    private readonly principals: ToolPrincipalRolesRepository,
    builtin: BuiltinToolProvider,
    actions: OntologyActionToolProvider,
    vectors: VectorSearchToolProvider,
    http: HttpToolProvider,
  ) {
    for (const provider of [builtin, actions, vectors, http]) this.providers.set(provider.id, provider);
  }

  register(provider: ToolProvider): void {
    if (this.providers.has(provider.id)) throw new ToolProviderExistsError(provider.id);
    this.providers.set(provider.id, provider);
  }

  async resolve(context: ToolResolutionContext): Promise<ToolDescriptor[]> {
    return inTenant(context.tenantId, async () => {
      const descriptors: ToolDescriptor[] = [];
      const names = new Set<string>();
      for (const reference of context.spec.tools) {
        const providerId = reference.kind === 'extension' ? reference.provider : reference.kind;
        const provider = this.providers.get(providerId);
        if (!provider) throw new UnknownToolError(reference.kind === 'extension' ? `${reference.provider}:${reference.tool}` : reference.kind, `no tool provider ${providerId} is registered`);
        for (const descriptor of await provider.describe(reference, context)) {
          if (names.has(descriptor.name)) throw new DuplicateToolNameError(descriptor.name);
          names.add(descriptor.name);
          descriptors.push(descriptor);
        }
      }
      return descriptors;
    });
  }

  parseArguments(descriptor: ToolDescriptor, raw: string): { ok: true; arguments: Record<string, unknown> } | { ok: false; error: { code: string; message: string } } {
    return this.parser.parse(descriptor.parameters, raw);
  }

  decide(descriptor: ToolDescriptor, invocation: Omit<ToolInvocation, 'tx' | 'signal'>): Promise<ToolCallDecision> {
    return withSpan('context.tool.decide', { 'strata.tool.name': descriptor.name, 'strata.run.id': invocation.principal.runId, 'strata.run.step': invocation.stepIndex }, async (span) => {
      const decision = await this.decideFor(descriptor, invocation);
      span.setAttribute('strata.tool.decision', decision.kind);
      return decision;
    });
  }

  private async decideFor(descriptor: ToolDescriptor, invocation: Omit<ToolInvocation, 'tx' | 'signal'>): Promise<ToolCallDecision> {
    const principal = invocation.principal;
    const standing = await this.runStanding(principal);
    if (!standing.ok) return this.deny(descriptor, invocation, standing.code, standing.reason);
    const { action, subject, record } = descriptor.permission;
    try {
      // Governance's own check, as the user the agent acts for, under the run's purpose: the
      // decision (and its reason) is stored like any other.
      await RequestContextStore.with(principalContext(principal, standing.roles, 'user'), () => this.authorization.authorize(action, subject, record));
    } catch (error) {
      if (isDomainError(error) && error.kind === 'permission_denied') return this.deny(descriptor, invocation, 'context.tool_permission_denied', error.message);
      throw error;
    }
    if (descriptor.approval?.required && !invocation.approvalId) return { kind: 'needs_approval', approval: descriptor.approval };
    this.keepStanding(invocation.idempotencyKey, standing);
    return { kind: 'allow' };
  }

  async wouldAllow(descriptor: ToolDescriptor, invocation: Omit<ToolInvocation, 'tx' | 'signal'>): Promise<boolean> {
    if (descriptor.approval?.required && !invocation.approvalId) return false;
    const principal = invocation.principal;
    const standing = await this.runStanding(principal);
    if (!standing.ok) return false;
    const { action, subject, record } = descriptor.permission;
    const allowed = await RequestContextStore.with(principalContext(principal, standing.roles, 'user'), () => this.authorization.can(action, subject, record));
    if (allowed) this.keepStanding(invocation.idempotencyKey, standing);
    return allowed;
  }

  async execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome> {
    const principal = invocation.principal;
    const provider = this.providers.get(descriptor.provider);
    if (!provider) return failed('context.unknown_tool', `No tool provider ${descriptor.provider} is registered.`);
    const kept = this.standings.get(invocation.idempotencyKey);
    this.standings.delete(invocation.idempotencyKey);
    let standing: PrincipalStanding | undefined = kept && Date.now() - kept.atMs <= STANDING_MAX_AGE_MS ? kept.standing : undefined;
    standing ??= await this.principals.standing(principal.tenantId, principal.onBehalfOf, principal.purpose, invocation.tx);
    if (!standing.ok) return { status: 'denied', content: { error: standing.reason }, error: { code: standing.code, message: standing.reason } };
    const roles = standing.roles;

    return RequestContextStore.with(principalContext(principal, roles, 'agent'), () =>
      this.genai.executeTool({ name: descriptor.name, callId: invocation.callId, type: 'function', description: descriptor.description.slice(0, 200) }, async (span) => {
        span.span.setAttributes({
          'strata.run.id': principal.runId,
          'strata.agent.id': principal.agentId,
          'strata.tool.provider': descriptor.provider,
          'strata.tool.execution': descriptor.execution,
          'strata.tool.step': invocation.stepIndex,
        });
        span.recordArguments(invocation.arguments);
        const outcome = capped(await this.run(provider, descriptor, invocation));
        span.span.setAttribute('strata.tool.status', outcome.status);
        if (outcome.error) span.span.setAttribute('error.type', outcome.error.code);
        span.recordResult(outcome.content);
        if (descriptor.execution !== 'read') await this.auditCall(descriptor, invocation, outcome);
        return outcome;
      }),
    );
  }

  /** The provider's call with a deadline (not for transactional calls: they end with their transaction). */
  private async run(provider: ToolProvider, descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome> {
    const deadline = AbortSignal.timeout(TOOL_LIMITS.callTimeoutMs);
    const signal = AbortSignal.any([invocation.signal, deadline]);
    try {
      const call = provider.execute(descriptor, { ...invocation, signal });
      if (descriptor.execution === 'transactional') return await call;
      return await Promise.race([
        call,
        new Promise<never>((_, reject) => {
          const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } catch (error) {
      if (deadline.aborted) return failed('context.tool_timeout', `The tool did not answer within ${TOOL_LIMITS.callTimeoutMs} ms.`);
      if (invocation.signal.aborted) return failed('context.tool_cancelled', 'The call was cancelled.');
      if (isDomainError(error)) {
        const status = error.kind === 'permission_denied' ? 'denied' : 'error';
        return { status, content: { error: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) }, error: { code: error.code, message: error.message } };
      }
      this.logger.warn({ err: error, tool: descriptor.name, provider: descriptor.provider }, 'tool failed');
      return failed('context.tool_failed', 'The tool failed unexpectedly.');
    }
  }

  private async deny(descriptor: ToolDescriptor, invocation: Omit<ToolInvocation, 'tx' | 'signal'>, code: string, reason: string): Promise<ToolCallDecision> {
    const principal = invocation.principal;
    await RequestContextStore.with(principalContext(principal, [], 'agent'), () =>
      this.audit.append({
        action: 'context.tool_call',
        outcome: 'denied',
        target: { type: 'AgentTool', id: descriptor.name },
        reason: reason.slice(0, 2000),
        details: {
          code,
          runId: principal.runId,
          stepIndex: invocation.stepIndex,
          callId: invocation.callId.slice(0, 200),
          provider: descriptor.provider,
          permission: { action: descriptor.permission.action, subject: descriptor.permission.subject },
        },
      }),
    );
    return { kind: 'deny', code, reason };
  }

  private async auditCall(descriptor: ToolDescriptor, invocation: ToolInvocation, outcome: ToolOutcome): Promise<void> {
    await this.audit.append(
      {
        action: 'context.tool_call',
        outcome: outcome.status === 'ok' ? 'success' : outcome.status === 'denied' ? 'denied' : 'failure',
        target: { type: 'AgentTool', id: descriptor.name },
        ...(outcome.error ? { reason: outcome.error.message.slice(0, 2000) } : {}),
        ...(invocation.approvalId ? { approvalId: invocation.approvalId } : {}),
        details: {
          runId: invocation.principal.runId,
          stepIndex: invocation.stepIndex,
          callId: invocation.callId.slice(0, 200),
          idempotencyKey: invocation.idempotencyKey.slice(0, 300),
          provider: descriptor.provider,
          execution: descriptor.execution,
          effects: (outcome.effects ?? []).slice(0, 50),
          ...(outcome.error ? { code: outcome.error.code } : {}),
        },
      },
      descriptor.execution === 'transactional' ? invocation.tx : undefined,
    );
  }

  /** The principal's standing for a call of this run: read, or reused when younger than RUN_STANDING_TTL_MS. */
  private async runStanding(principal: ToolCallPrincipal): Promise<PrincipalStanding> {
    const key = [principal.runId, principal.tenantId, principal.onBehalfOf.type, principal.onBehalfOf.id, principal.purpose].join('|');
    const kept = this.standingsOfRuns.get(key);
    if (kept && Date.now() - kept.atMs < RUN_STANDING_TTL_MS) return kept.standing;
    const standing = await this.principals.standing(principal.tenantId, principal.onBehalfOf, principal.purpose);
    if (standing.ok) {
      this.standingsOfRuns.delete(key);
      if (this.standingsOfRuns.size >= STANDINGS_KEPT) {
        const oldest = this.standingsOfRuns.keys().next().value;
        if (oldest !== undefined) this.standingsOfRuns.delete(oldest);
      }
      this.standingsOfRuns.set(key, { standing, atMs: Date.now() });
    } else {
      this.standingsOfRuns.delete(key);
    }
    return standing;
  }

  private keepStanding(key: string, standing: Extract<PrincipalStanding, { ok: true }>): void {
    if (this.standings.size >= STANDINGS_KEPT) {
      const oldest = this.standings.keys().next().value;
      if (oldest !== undefined) this.standings.delete(oldest);
    }
    this.standings.set(key, { standing, atMs: Date.now() });
  }
}

/**
 * The context a call is decided or executed in, built from the run's principal only: decided as
 * the user (their roles, their id), executed as the agent holding the user's roles on their
 * behalf, so audit entries show agent and user.
 */
function principalContext(principal: ToolCallPrincipal, roles: readonly string[], as: 'user' | 'agent'): Partial<RequestContext> & { requestId: string } {
  const current = RequestContextStore.current();
  const onBehalfOf: Actor = { type: principal.onBehalfOf.type, id: principal.onBehalfOf.id, roles: [...roles] };
  return {
    requestId: current?.requestId ?? newId(),
    tenantId: principal.tenantId,
    actor: as === 'user' ? onBehalfOf : { type: 'agent', id: principal.agentId, roles: [...roles] },
    onBehalfOf: as === 'user' ? undefined : onBehalfOf,
    purpose: principal.purpose,
    justification: undefined,
  };
}

function inTenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
  const current = RequestContextStore.current();
  if (current?.tenantId === tenantId) return fn();
  if (current?.tenantId) throw new ContextError('context.tenant_mismatch', 'failed_precondition', 'Tools are resolved in the tenant of the current request only.');
  return RequestContextStore.with({ requestId: current?.requestId ?? newId(), tenantId }, fn);
}

function failed(code: string, message: string): ToolOutcome {
  return { status: 'error', content: { error: message, code }, error: { code, message } };
}

/** Output beyond the cap is replaced by a marked preview: the model learns it was cut. */
function capped(outcome: ToolOutcome): ToolOutcome {
  let text: string;
  try {
    text = JSON.stringify(outcome.content ?? null);
  } catch {
    return { ...outcome, status: 'error', content: { error: 'The tool returned output that is not JSON.' }, error: { code: 'context.tool_output_invalid', message: 'The tool returned output that is not JSON.' } };
  }
  const bytes = Buffer.byteLength(text);
  if (bytes <= TOOL_LIMITS.outputBytes) return { ...outcome, content: JSON.parse(text) as unknown };
  return { ...outcome, content: { truncated: true, bytes, limitBytes: TOOL_LIMITS.outputBytes, preview: text.slice(0, TOOL_LIMITS.previewChars) } };
}
