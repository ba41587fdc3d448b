import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule, PrismaService, type DatabaseRuntime } from '@strata/db';
import { GovernanceModule } from '@strata/governance';
import { CLOCK, configSchema, newId, RequestContextStore, SystemClock, type Actor } from '@strata/kernel';
import { ObservabilityModule } from '@strata/observability';
import {
  ActionTypesService,
  linkTypeDefinitionSchema,
  ObjectWriter,
  objectTypeDefinitionSchema,
  OntologyModule,
  SchemaRepository,
  type ObjectRecord,
} from '@strata/ontology';
import { TOOL_PROVIDERS_LIST } from '../tools.providers';
import { SafeHttpFetcher } from '../safe-http-fetch';
// Shared with every layer's tests (@strata/testing); re-exported under the names these specs use.
import { runAs as as } from '@strata/testing';

export { as };

@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
class TestClockModule {}

@Module({ providers: TOOL_PROVIDERS_LIST, exports: TOOL_PROVIDERS_LIST })
class ToolsOnlyModule {}

export interface BedDatabase {
  runtime: DatabaseRuntime;
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Governance, observability and the ontology as the API composes them, plus the tools folder's providers only. */
export interface ToolsTestBed {
  db: BedDatabase;
  moduleRef: TestingModule;
  prisma: PrismaService;
  close(): Promise<void>;
}

export async function startToolsTestBed(db: BedDatabase, fetcher?: SafeHttpFetcher): Promise<ToolsTestBed> {
  const config = configSchema.parse({ LOG_LEVEL: 'silent' });
  let builder = Test.createTestingModule({
    imports: [
      TestClockModule,
      DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false }),
      GovernanceModule.forRoot({
        audit: { dataDir: 'node_modules/.cache/strata-test-data', checkpointEvery: 100_000, checkpointIntervalMs: 0 },
        approvals: { sweepIntervalMs: 0 },
      }),
      ObservabilityModule.forRoot(config),
      OntologyModule.forRoot(config),
      ToolsOnlyModule,
    ],
  });
  if (fetcher) builder = builder.overrideProvider(SafeHttpFetcher).useValue(fetcher);
  const moduleRef = await builder.compile();
  await moduleRef.init();
  return {
    db,
    moduleRef,
    prisma: moduleRef.get(PrismaService),
    async close() {
      await moduleRef.close();
      await db.close();
    },
  };
}

/** A user with a membership (roles) in the tenant. */
export async function member(bed: ToolsTestBed, tenantId: string, roles: string[]): Promise<Actor> {
  const id = newId();
  await bed.prisma.user.create({ data: { id, displayName: `user ${roles.join('+')}`, email: `${id}@example.test` } });
  await bed.prisma.membership.create({ data: { id: newId(), tenantId, userId: id, roles } });
  return { type: 'user', id, roles };
}

/** A tenant, a purpose, a small sales ontology (Customer —placed→ Order, Ticket) and two action types. */
export async function seedTenant(bed: ToolsTestBed, tenantId: string): Promise<{ builder: Actor }> {
  await bed.prisma.tenant.create({ data: { id: tenantId, slug: `t-${tenantId.slice(-12)}`, name: 'Tools test tenant' } });
  await bed.prisma.purpose.create({ data: { id: newId(), tenantId, name: 'customer-support', description: 'Support' } });
  await bed.prisma.purpose.create({ data: { id: newId(), tenantId, name: 'retired', description: 'Archived', archivedAt: new Date() } });
  const schema = bed.moduleRef.get(SchemaRepository);
  await RequestContextStore.run({ requestId: newId(), tenantId, actor: { type: 'system', id: 'seed' } }, () =>
    bed.prisma.$transaction(async (tx) => {
      await schema.createObjectType(
        objectTypeDefinitionSchema.parse({
          apiName: 'Customer',
          primaryKey: 'customerId',
          titleProperty: 'name',
          properties: [
            { apiName: 'customerId', type: 'string', required: true },
            { apiName: 'name', type: 'string', required: true },
          ],
        }),
        1,
        tx,
      );
      await schema.createObjectType(
        objectTypeDefinitionSchema.parse({
          apiName: 'Order',
          primaryKey: 'orderId',
          properties: [
            { apiName: 'orderId', type: 'string', required: true },
            { apiName: 'status', type: 'enum', enumValues: ['open', 'delivered', 'refunded'], required: true },
            { apiName: 'total', type: 'decimal', required: true },
            { apiName: 'note', type: 'string' },
          ],
        }),
        1,
        tx,
      );
      await schema.createObjectType(
        objectTypeDefinitionSchema.parse({
          apiName: 'Ticket',
          primaryKey: 'ticketId',
          properties: [
            { apiName: 'ticketId', type: 'string', required: true },
            { apiName: 'note', type: 'string', required: true },
          ],
        }),
        1,
        tx,
      );
      await schema.createLinkType(linkTypeDefinitionSchema.parse({ apiName: 'placed', fromTypeApiName: 'Customer', toTypeApiName: 'Order', cardinality: 'one_to_many' }), 1, tx);
    }),
  );
  const builder = await member(bed, tenantId, ['builder']);
  const types = bed.moduleRef.get(ActionTypesService);
  await as(tenantId, builder, async () => {
    await types.create({
      apiName: 'refundOrder',
      displayName: 'Refund order',
      description: 'Refunds a delivered order.',
      parameters: [
        { apiName: 'order', type: 'object_reference', objectType: 'Order', description: 'The order' },
        { apiName: 'reason', type: 'string', required: false },
      ],
      criteria: [{ id: 'delivered', kind: 'objectProperty', parameter: 'order', property: 'status', op: 'eq', value: 'delivered', description: 'Only delivered orders' }],
      effects: [{ kind: 'modifyObject', object: '{{params.order}}', properties: { status: 'refunded' } }],
    });
    await types.create({
      apiName: 'closeCustomer',
      displayName: 'Close customer',
      description: 'Closes a customer account (needs approval).',
      parameters: [{ apiName: 'customer', type: 'object_reference', objectType: 'Customer' }],
      criteria: [],
      effects: [{ kind: 'deleteObject', object: '{{params.customer}}' }],
      approval: { approverRoles: ['approver'], quorum: 1, expiresInSeconds: 3600 },
    });
  });
  return { builder };
}

export async function createObject(bed: ToolsTestBed, tenantId: string, actor: Actor, typeApiName: string, properties: Record<string, unknown>): Promise<ObjectRecord> {
  const writer = bed.moduleRef.get(ObjectWriter);
  return as(tenantId, actor, () => bed.prisma.$transaction(async (tx) => (await writer.create(tx, { typeApiName, properties })).after as ObjectRecord));
}

export function createOrder(bed: ToolsTestBed, tenantId: string, actor: Actor, properties: Record<string, unknown>): Promise<ObjectRecord> {
  return createObject(bed, tenantId, actor, 'Order', properties);
}
