import { Injectable, type OnModuleInit, type Provider, type Type } from '@nestjs/common';
import { PermissionCatalog } from '@strata/governance';
import { BUDGET_GATE, GUARDRAIL_PIPELINE, USAGE_RECORDER } from '../gateway/gateway.contract';
import { BudgetLedgerStore } from '../budgets/budget-ledger.store';
import { BudgetsController } from '../budgets/budgets.controller';
import { BudgetsRepository } from '../budgets/budgets.repository';
import { BudgetsService } from '../budgets/budgets.service';
import { LeasedBudgetGate } from '../budgets/leased-budget-gate';
import { GuardrailRulesRepository } from '../guardrails/guardrail-rules.repository';
import { GuardrailRulesService } from '../guardrails/guardrail-rules.service';
import { GuardrailRulesStore } from '../guardrails/guardrail-rules.store';
import { GuardrailsController } from '../guardrails/guardrails.controller';
import { TenantGuardrailPipeline } from '../guardrails/tenant-guardrail-pipeline';
import { BatchedUsageRecorder } from './batched-usage-recorder';
import { UsageQueryService } from './usage-query.service';
import { UsageStore } from './usage-store';
import { UsageController } from './usage.controller';
import { UsageRepository } from './usage.repository';

/** The authorization subjects of budgets, usage and guardrails, and the built-in roles' grants on them. */
@Injectable()
export class UsageControlsPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({
      subjects: ['Budget', 'ModelUsage', 'GuardrailRule'],
      rules: [
        { roles: ['auditor'], action: 'read', subject: ['Budget', 'ModelUsage', 'GuardrailRule'] },
        { roles: ['builder'], action: 'read', subject: ['Budget', 'ModelUsage'] },
        { roles: ['operator'], action: 'read', subject: 'ModelUsage' },
      ],
    });
  }
}

/** Budgets and rate limits, usage accounting and the guardrail pipeline: the gateway's stages and their admin API. */
export const USAGE_CONTROLS_PROVIDERS: Provider[] = [
  UsageControlsPermissions,
  BudgetLedgerStore,
  LeasedBudgetGate,
  { provide: BUDGET_GATE, useExisting: LeasedBudgetGate },
  BudgetsRepository,
  BudgetsService,
  UsageStore,
  BatchedUsageRecorder,
  { provide: USAGE_RECORDER, useExisting: BatchedUsageRecorder },
  UsageRepository,
  UsageQueryService,
  GuardrailRulesStore,
  TenantGuardrailPipeline,
  { provide: GUARDRAIL_PIPELINE, useExisting: TenantGuardrailPipeline },
  GuardrailRulesRepository,
  GuardrailRulesService,
];

export const USAGE_CONTROLS_CONTROLLERS: Type[] = [BudgetsController, UsageController, GuardrailsController];

export const USAGE_CONTROLS_EXPORTS = [BUDGET_GATE, USAGE_RECORDER, GUARDRAIL_PIPELINE, LeasedBudgetGate, BatchedUsageRecorder, TenantGuardrailPipeline];
