import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { GuardrailFinding, GuardrailPipeline, GuardrailVerdict } from '../gateway/gateway.contract';
import { BUILT_IN_DETECTORS } from './built-in-detectors';
import { labelOf, maskText, type CompiledRule, type GuardrailAction, type GuardrailKind } from './compiled-rule';
import { compileCustomPattern } from './custom-pattern';
import { GuardrailRulesStore, type StoredGuardrailRule } from './guardrail-rules.store';
import { GuardrailBlockedError, GuardrailsUnavailableError } from './guardrails.errors';
import { rewritePromptText } from './prompt-text-walker';

export interface GuardrailPipelineOptions {
  /** How long a tenant's compiled rules are used before they are re-read (changes in this process apply at once). */
  rulesTtlMs: number;
}

export const GUARDRAIL_PIPELINE_OPTIONS = Symbol('GUARDRAIL_PIPELINE_OPTIONS');

interface CachedRules {
  rules: CompiledRule[];
  loadedAt: number;
  refreshing?: Promise<CompiledRule[]>;
}

/** What the admin page's test shows: the masked text (null when blocked) and the findings. */
export interface GuardrailPreview {
  blocked: boolean;
  text: string | null;
  findings: GuardrailFinding[];
}

/** Every built-in detector, enabled, masking, for all aliases: the rules of a tenant that configured none. */
export function defaultRules(): CompiledRule[] {
  return compileRules([]);
}

/** A tenant's effective rules: built-in detectors with its overrides, then its enabled custom patterns. */
export function compileRules(stored: readonly StoredGuardrailRule[], onInvalid?: (rule: StoredGuardrailRule, error: unknown) => void): CompiledRule[] {
  const rules: CompiledRule[] = [];
  for (const detector of BUILT_IN_DETECTORS) {
    const override = stored.find((rule) => rule.detector === detector.id);
    if (override && !override.enabled) continue;
    rules.push({
      name: detector.id,
      label: detector.id,
      kind: detector.kind,
      action: (override?.action as GuardrailAction | undefined) ?? 'mask',
      aliases: override?.aliases ?? [],
      pattern: new RegExp(detector.pattern.source, detector.pattern.flags),
      validate: detector.validate,
      maskGroup: detector.maskGroup,
    });
  }
  for (const rule of stored) {
    if (rule.detector !== null || !rule.enabled || rule.pattern === null) continue;
    try {
      rules.push({
        name: rule.name,
        label: labelOf(rule.name),
        kind: rule.kind as GuardrailKind,
        action: rule.action as GuardrailAction,
        aliases: rule.aliases,
        pattern: compileCustomPattern(rule.pattern, rule.flags),
      });
    } catch (error) {
      onInvalid?.(rule, error);
    }
  }
  return rules;
}

/**
 * The guardrail pipeline: per-tenant rules, compiled and cached. `screenPrompt` masks or blocks a
 * request's content text before it leaves; `redactForStorage` masks text before it is stored or
 * traced (synchronous, so it uses the cached rules, or the built-in defaults for a tenant whose
 * rules have not been read yet, and starts reading them).
 */
@Injectable()
export class TenantGuardrailPipeline implements GuardrailPipeline {
  private readonly logger = new Logger('GuardrailPipeline');
  private readonly options: GuardrailPipelineOptions;
  private readonly cache = new Map<string, CachedRules>();
  private readonly defaults = defaultRules();

  constructor(
    private readonly store: GuardrailRulesStore,
    @Optional() @Inject(GUARDRAIL_PIPELINE_OPTIONS) options?: Partial<GuardrailPipelineOptions>,
  ) {
    this.options = { rulesTtlMs: 10_000, ...options };
  }

  async screenPrompt<T>(tenantId: string, alias: string | undefined, request: T): Promise<GuardrailVerdict<T>> {
    const rules = (await this.rulesFor(tenantId)).filter((rule) => !rule.aliases.length || (alias !== undefined && rule.aliases.includes(alias)));
    const findings: GuardrailFinding[] = [];
    const value = rewritePromptText(request, (text, path) => {
      const result = maskText(text, rules);
      for (const hit of result.hits) findings.push({ rule: hit.rule.name, kind: hit.rule.kind, action: hit.rule.action, path, count: hit.count });
      return result.text;
    });
    if (findings.some((finding) => finding.action === 'block')) throw new GuardrailBlockedError(findings);
    return { value, findings };
  }

  redactForStorage(tenantId: string, text: string): string {
    const cached = this.cache.get(tenantId);
    if (!cached || Date.now() - cached.loadedAt >= this.options.rulesTtlMs) void this.refresh(tenantId).catch(() => undefined);
    return maskText(text, cached?.rules ?? this.defaults).text;
  }

  /** The admin page's test: what screening `text` (for `alias`) would do, without throwing. */
  async preview(tenantId: string, text: string, alias?: string): Promise<GuardrailPreview> {
    try {
      const verdict = await this.screenPrompt(tenantId, alias, { text });
      return { blocked: false, text: verdict.value.text, findings: verdict.findings };
    } catch (error) {
      if (error instanceof GuardrailBlockedError) return { blocked: true, text: null, findings: (error.details?.['findings'] ?? []) as GuardrailFinding[] };
      throw error;
    }
  }

  /** Drops a tenant's cached rules (after a change in this process) and reads them again. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
    void this.refresh(tenantId).catch(() => undefined);
  }

  private async rulesFor(tenantId: string): Promise<CompiledRule[]> {
    const cached = this.cache.get(tenantId);
    // loadedAt 0: a placeholder holding the defaults for redactForStorage until the first read lands.
    if (cached && cached.loadedAt > 0) {
      if (Date.now() - cached.loadedAt >= this.options.rulesTtlMs) void this.refresh(tenantId).catch(() => undefined);
      return cached.rules;
    }
    try {
      return await (cached?.refreshing ?? this.refresh(tenantId));
    } catch (error) {
      throw new GuardrailsUnavailableError(error);
    }
  }

  private refresh(tenantId: string): Promise<CompiledRule[]> {
    const cached = this.cache.get(tenantId);
    if (cached?.refreshing) return cached.refreshing;
    const refreshing = this.store
      .rulesOf(tenantId)
      .then((stored) => {
        const rules = compileRules(stored, (rule, error) => this.logger.warn(`Guardrail rule ${rule.id} skipped: ${String(error)}`));
        this.cache.set(tenantId, { rules, loadedAt: Date.now() });
        return rules;
      })
      .catch((error: unknown) => {
        const entry = this.cache.get(tenantId);
        if (entry) entry.refreshing = undefined;
        this.logger.warn(`Could not read guardrail rules of tenant ${tenantId}: ${String(error)}`);
        throw error;
      });
    if (cached) cached.refreshing = refreshing;
    else this.cache.set(tenantId, { rules: this.defaults, loadedAt: 0, refreshing });
    return refreshing;
  }
}
