import { Injectable } from '@nestjs/common';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { RequestContextStore } from '@strata/kernel';
import { BUILT_IN_DETECTORS, builtInDetector } from './built-in-detectors';
import { compileCustomPattern } from './custom-pattern';
import { GuardrailRulesRepository, type GuardrailRuleRow } from './guardrail-rules.repository';
import type { CreateGuardrailRuleInput, UpdateGuardrailRuleInput } from './guardrail-rules.schemas';
import { GuardrailRuleConflictError, GuardrailRuleNotFoundError, TooManyGuardrailRulesError, UnsafePatternError } from './guardrails.errors';
import { TenantGuardrailPipeline, type GuardrailPreview } from './tenant-guardrail-pipeline';
import { isUniqueViolation } from '../catalog/prisma-errors';
import { countUnderQuotaLock } from '../catalog/tenant-quota-lock';

/** Most rules one tenant has (built-in overrides and custom patterns together). */
export const MAX_RULES_PER_TENANT = 100;

export interface GuardrailRuleView {
  id: string;
  name: string;
  kind: string;
  detector: string | null;
  pattern: string | null;
  flags: string;
  action: string;
  aliases: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A built-in detector and how this tenant has it: enabled and masking unless a rule says otherwise. */
export interface DetectorView {
  id: string;
  kind: 'pii' | 'secret';
  description: string;
  enabled: boolean;
  action: string;
  aliases: string[];
  /** The rule that configures it, if any. */
  ruleId: string | null;
}

const SUBJECT = 'GuardrailRule';

/** Guardrail rules: CRUD with authorization and audit; every change refreshes the pipeline's cache. */
@Injectable()
export class GuardrailRulesService {
  constructor(
    private readonly rules: GuardrailRulesRepository,
    private readonly pipeline: TenantGuardrailPipeline,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<GuardrailRuleView>> {
    const where = await this.authorization.accessibleWhere('read', SUBJECT);
    return pageOf((await this.rules.list(where, limit, cursor)).map(view), limit);
  }

  async detectors(): Promise<DetectorView[]> {
    await this.authorization.authorize('read', SUBJECT);
    const overrides = await this.rules.detectorRules();
    return BUILT_IN_DETECTORS.map((detector) => {
      const rule = overrides.find((row) => row.detector === detector.id);
      return {
        id: detector.id,
        kind: detector.kind,
        description: detector.description,
        enabled: rule?.enabled ?? true,
        action: rule?.action ?? 'mask',
        aliases: rule?.aliases ?? [],
        ruleId: rule?.id ?? null,
      };
    });
  }

  async get(id: string): Promise<GuardrailRuleView> {
    const row = await this.find(id);
    await this.authorization.authorize('read', SUBJECT, row);
    return view(row);
  }

  async create(input: CreateGuardrailRuleInput): Promise<GuardrailRuleView> {
    const detector = input.detector ? builtInDetector(input.detector) : undefined;
    if (input.pattern) compileCustomPattern(input.pattern, input.flags);
    const data = {
      name: input.name,
      kind: detector ? detector.kind : 'custom',
      detector: detector?.id ?? null,
      pattern: detector ? null : (input.pattern ?? null),
      flags: detector ? '' : input.flags,
      action: input.action,
      aliases: input.aliases,
      enabled: input.enabled,
    };
    await this.authorization.authorize('create', SUBJECT, data, { fields: Object.keys(data) });
    const conflict = await this.conflictFor(data.name, data.detector);
    if (conflict) throw conflict;
    const created = await this.mutations
      .run('guardrail_rule.create', async (tx) => {
        if ((await countUnderQuotaLock(tx, 'guardrail_rule', (db) => this.rules.count(db))) >= MAX_RULES_PER_TENANT) throw new TooManyGuardrailRulesError(MAX_RULES_PER_TENANT);
        const row = await this.rules.create(data, tx);
        await this.audit.append({ action: 'guardrail_rule.create', outcome: 'success', target: { type: SUBJECT, id: row.id }, details: describe(row) }, tx);
        return row;
      })
      .catch(async (error: unknown) => {
        // A create racing this one took the name or the detector between the check and the insert.
        if (!isUniqueViolation(error)) throw error;
        throw (await this.conflictFor(data.name, data.detector)) ?? new GuardrailRuleConflictError(`A guardrail rule named "${data.name}" already exists.`, { name: data.name });
      });
    this.pipeline.invalidate(created.tenantId);
    return view(created);
  }

  /** The conflict a rule with this name and detector would have with an existing rule, if any. */
  private async conflictFor(name: string, detector: string | null): Promise<GuardrailRuleConflictError | undefined> {
    const conflicting = await this.rules.findConflicting(name, detector);
    if (!conflicting) return undefined;
    return conflicting.name === name
      ? new GuardrailRuleConflictError(`A guardrail rule named "${name}" already exists.`, { name })
      : new GuardrailRuleConflictError(`Detector ${detector} is already configured by rule ${conflicting.id}; change that rule.`, { detector, ruleId: conflicting.id });
  }

  async update(id: string, input: UpdateGuardrailRuleInput): Promise<GuardrailRuleView> {
    const existing = await this.find(id);
    const data: Record<string, unknown> = {};
    for (const key of ['name', 'action', 'aliases', 'enabled'] as const) if (input[key] !== undefined) data[key] = input[key];
    if (input.pattern !== undefined || input.flags !== undefined) {
      if (existing.detector !== null) throw new UnsafePatternError('a built-in detector rule has no pattern or flags; create a custom rule instead');
      const pattern = input.pattern ?? existing.pattern ?? '';
      const flags = input.flags ?? existing.flags;
      compileCustomPattern(pattern, flags);
      data['pattern'] = pattern;
      data['flags'] = flags;
    }
    await this.authorization.authorize('update', SUBJECT, existing, { fields: Object.keys(data) });
    if (input.name !== undefined && input.name !== existing.name && (await this.rules.findConflicting(input.name, null))) {
      throw new GuardrailRuleConflictError(`A guardrail rule named "${input.name}" already exists.`, { name: input.name });
    }
    const updated = await this.mutations
      .run('guardrail_rule.update', async (tx) => {
        const row = await this.rules.update(id, data, tx);
        await this.audit.append(
          { action: 'guardrail_rule.update', outcome: 'success', target: { type: SUBJECT, id }, details: { before: describe(existing), after: describe(row) } },
          tx,
        );
        return row;
      })
      .catch((error: unknown) => {
        // A write racing this one took the new name between the check and the update (the detector never changes).
        throw isUniqueViolation(error) && input.name !== undefined ? new GuardrailRuleConflictError(`A guardrail rule named "${input.name}" already exists.`, { name: input.name }) : error;
      });
    this.pipeline.invalidate(existing.tenantId);
    return view(updated);
  }

  async delete(id: string): Promise<void> {
    const existing = await this.find(id);
    await this.authorization.authorize('delete', SUBJECT, existing);
    await this.mutations.run('guardrail_rule.delete', async (tx) => {
      await this.rules.delete(id, tx);
      await this.audit.append({ action: 'guardrail_rule.delete', outcome: 'success', target: { type: SUBJECT, id }, details: describe(existing) }, tx);
    });
    this.pipeline.invalidate(existing.tenantId);
  }

  /** Screens `text` with the tenant's current rules, as a prompt would be (read access suffices). */
  async test(text: string, alias?: string): Promise<GuardrailPreview> {
    await this.authorization.authorize('read', SUBJECT);
    return this.pipeline.preview(RequestContextStore.requireTenantId(), text, alias);
  }

  private async find(id: string): Promise<GuardrailRuleRow> {
    const row = await this.rules.find(id);
    if (!row) throw new GuardrailRuleNotFoundError(id);
    return row;
  }
}

function view(row: GuardrailRuleRow): GuardrailRuleView {
  const { tenantId: _tenantId, ...rest } = row;
  return rest;
}

/** Audit details: the settings, including a custom pattern (a pattern is configuration, not matched data). */
function describe(row: GuardrailRuleRow): Record<string, unknown> {
  return { name: row.name, kind: row.kind, detector: row.detector, pattern: row.pattern, flags: row.flags, action: row.action, aliases: row.aliases, enabled: row.enabled };
}
