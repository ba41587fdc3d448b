import { Global, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuditLog } from '@strata/governance';
import { NO_FAULTS, RUN_FAULT_INJECTOR, RunWorker, ToolRegistry, type ToolDescriptor, type ToolInvocation, type ToolOutcome, type ToolProvider, type ToolReference } from '@strata/context';
import type { RunCrashPlans } from './run-crash-plans';

/**
 * Test support for the crash-point sweep: a tool provider (through the registry's extension port)
 * whose tools have each execution kind, with effects the test can count, and the per-run crash plans
 * (run-crash-plans.ts) as the fault injector. Used by the sweep's worker child process and by
 * the test's API (which only needs the tools to resolve).
 */
const TOOLS: Record<string, { execution: ToolDescriptor['execution']; description: string; local?: true }> = {
  // Writes an audit entry in the checkpoint's transaction: exists exactly once or not at all.
  record_effect: { execution: 'transactional', description: 'Records an effect in the database.' },
  guarded_effect: { execution: 'transactional', description: 'Records an effect that a person must approve first.' },
  // Posts to the receiver with the Idempotency-Key header (the receiver keeps the first answer per key).
  send_external: { execution: 'external', description: 'Sends a message to an outside system.' },
  // Computes its answer in process: a local read, so it starts while its step's checkpoint commits.
  lookup: { execution: 'read', description: 'Reads a value.', local: true },
};

export class SweepToolProvider implements ToolProvider {
  readonly id = 'sweep';

  constructor(
    private readonly audit: AuditLog,
    private readonly receiverUrl: string,
  ) {}

  async describe(reference: ToolReference): Promise<ToolDescriptor[]> {
    if (reference.kind !== 'extension' || !TOOLS[reference.tool]) throw new Error(`unknown sweep tool ${JSON.stringify(reference)}`);
    const tool = TOOLS[reference.tool];
    return [
      {
        name: reference.name ?? reference.tool,
        description: tool.description,
        parameters: { type: 'object', properties: { label: { type: 'string', maxLength: 100 } }, required: ['label'], additionalProperties: false },
        reference,
        provider: this.id,
        execution: tool.execution,
        ...(tool.local ? { local: true } : {}),
        permission: { action: 'execute', subject: 'AgentTool' },
        ...(reference.approval
          ? { approval: { required: reference.approval.required, approverRoles: reference.approval.approverRoles, quorum: reference.approval.quorum, expiresInMs: reference.approval.expiresInMs } }
          : {}),
      },
    ];
  }

  async execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome> {
    const label = String(invocation.arguments['label']);
    const tool = descriptor.reference.kind === 'extension' ? descriptor.reference.tool : '';
    if (tool === 'record_effect' || tool === 'guarded_effect') {
      await this.audit.append({ action: 'sweep.effect', outcome: 'success', target: { type: 'SweepEffect', id: invocation.idempotencyKey }, details: { label } }, invocation.tx);
      return { status: 'ok', content: { recorded: label }, effects: [`sweep.effect:${invocation.idempotencyKey}`] };
    }
    if (tool === 'send_external') {
      const response = await fetch(this.receiverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': invocation.idempotencyKey },
        body: JSON.stringify({ label }),
        signal: invocation.signal,
      });
      return { status: 'ok', content: await response.json(), effects: [`sweep.external:${invocation.idempotencyKey}`] };
    }
    return { status: 'ok', content: { label, length: label.length } };
  }
}

@Injectable()
class SweepToolsRegistration implements OnModuleInit {
  constructor(private readonly moduleRef: ModuleRef) {}
  receiverUrl = '';
  crashPlans: RunCrashPlans | undefined;

  onModuleInit(): void {
    const registry = this.moduleRef.get(ToolRegistry, { strict: false });
    registry.register(new SweepToolProvider(this.moduleRef.get(AuditLog, { strict: false }), this.receiverUrl));
    if (this.crashPlans) {
      const worker = this.moduleRef.get(RunWorker, { strict: false });
      this.crashPlans.activeRuns = () => worker.activeRunIds();
    }
  }
}

@Global()
@Module({})
export class SweepToolsModule {
  /** `crashPlans`: the sweep's per-run kill points and boundary record (RunCrashPlans); without it boundaries do nothing. */
  static forRoot(options: { receiverUrl: string; crashPlans?: RunCrashPlans }): DynamicModule {
    return {
      module: SweepToolsModule,
      providers: [
        { provide: RUN_FAULT_INJECTOR, useValue: options.crashPlans ?? NO_FAULTS },
        {
          provide: SweepToolsRegistration,
          useFactory: (moduleRef: ModuleRef) =>
            Object.assign(new SweepToolsRegistration(moduleRef), { receiverUrl: options.receiverUrl, crashPlans: options.crashPlans }),
          inject: [ModuleRef],
        },
      ],
      exports: [RUN_FAULT_INJECTOR],
    };
  }
}
