import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule, PrismaService, type DatabaseRuntime } from '@strata/db';
import { GovernanceModule } from '@strata/governance';
import { ObservabilityModule } from '@strata/observability';
import { CLOCK, configSchema, newId, RequestContextStore, SystemClock } from '@strata/kernel';
import { OntologyModule } from '../../ontology.module';
import { linkTypeDefinitionSchema, objectTypeDefinitionSchema } from '../../schema/property-definition';
import { SchemaRepository } from '../../schema/schema.repository';
// Shared with every layer's tests (@strata/testing); re-exported under the names these specs use.
export { testUser as user, runAs as as, failureOf as failure } from '@strata/testing';

@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
class TestClockModule {}

/** The part of `@strata/testing`'s TestDatabase the bed uses (specs create it: only they may import that library). */
export interface BedDatabase {
  runtime: DatabaseRuntime;
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The ontology layer with governance and observability on a test database, as the API composes them. */
export interface OntologyTestBed {
  db: BedDatabase;
  moduleRef: TestingModule;
  prisma: PrismaService;
  close(): Promise<void>;
}

export async function startOntologyTestBed(db: BedDatabase): Promise<OntologyTestBed> {
  const config = configSchema.parse({ LOG_LEVEL: 'silent' });
  const moduleRef = await Test.createTestingModule({
    imports: [
      TestClockModule,
      DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false }),
      GovernanceModule.forRoot({
        audit: { dataDir: 'node_modules/.cache/strata-test-data', checkpointEvery: 100_000, checkpointIntervalMs: 0 },
        approvals: { sweepIntervalMs: 0 },
      }),
      ObservabilityModule.forRoot(config),
      OntologyModule.forRoot(config),
    ],
  }).compile();
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

/** A tenant row and a small sales ontology: Customer —placed→ Order, Ticket. */
export async function seedSalesOntology(bed: OntologyTestBed, tenantId: string): Promise<void> {
  await bed.prisma.tenant.create({ data: { id: tenantId, slug: `t-${tenantId.slice(-12)}`, name: 'Test tenant' } });
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
            { apiName: 'tier', type: 'enum', enumValues: ['gold', 'silver'] },
            { apiName: 'credit', type: 'decimal' },
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
            { apiName: 'refunded', type: 'decimal' },
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
            { apiName: 'priority', type: 'integer' },
          ],
        }),
        1,
        tx,
      );
      await schema.createLinkType(linkTypeDefinitionSchema.parse({ apiName: 'placed', fromTypeApiName: 'Customer', toTypeApiName: 'Order', cardinality: 'one_to_many' }), 1, tx);
      await schema.createLinkType(linkTypeDefinitionSchema.parse({ apiName: 'concerns', fromTypeApiName: 'Ticket', toTypeApiName: 'Order', cardinality: 'many_to_many' }), 1, tx);
    }),
  );
}
