import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, SystemClock, newId, RequestContextStore, type Actor } from '@strata/kernel';
import { DatabaseModule, PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase, failureOf as failure } from '@strata/testing';
import { OntologyEvents } from '../events/ontology-events';
import { HistoryRepository } from '../history/history.repository';
import { LinkWriter } from '../links/link-writer';
import { LinksRepository } from '../links/links.repository';
import { objectTypeDefinitionSchema, linkTypeDefinitionSchema } from '../schema/property-definition';
import { SchemaRepository } from '../schema/schema.repository';
import { TypesInTransaction } from '../schema/types-in-transaction';
import { BulkObjectWriter } from './bulk-object-writer';
import { ObjectWriter } from './object-writer';
import { ObjectsRepository } from './objects.repository';

const actor: Actor = { type: 'user', id: newId(), roles: ['builder'] };

/** The value, or a failed test if it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

describe('ontology writers (database)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let prisma: PrismaService;
  let objects: ObjectWriter;
  let links: LinkWriter;
  const tenant = newId();
  const other = newId();
  const as = <T>(fn: () => Promise<T>, tenantId = tenant) => RequestContextStore.run({ requestId: newId(), tenantId, actor }, fn);
  const tx = <T>(fn: (client: Parameters<Parameters<PrismaService['$transaction']>[0]>[0]) => Promise<T>, tenantId = tenant) =>
    as(() => prisma.$transaction((client) => fn(client), { timeout: 30_000, maxWait: 30_000 }), tenantId);

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      providers: [
        { provide: CLOCK, useValue: new SystemClock() },
        SchemaRepository,
        TypesInTransaction,
        ObjectsRepository,
        LinksRepository,
        HistoryRepository,
        OntologyEvents,
        ObjectWriter,
        BulkObjectWriter,
        LinkWriter,
      ],
    }).compile();
    await moduleRef.init();
    prisma = moduleRef.get(PrismaService);
    objects = moduleRef.get(ObjectWriter);
    links = moduleRef.get(LinkWriter);
    const schema = moduleRef.get(SchemaRepository);
    for (const tenantId of [tenant, other]) {
      await tx(async (client) => {
        await schema.createObjectType(
          objectTypeDefinitionSchema.parse({
            apiName: 'Customer',
            primaryKey: 'customerId',
            titleProperty: 'name',
            properties: [
              { apiName: 'customerId', type: 'string', required: true, unique: true },
              { apiName: 'name', type: 'string', required: true },
              { apiName: 'email', type: 'string', unique: true },
              { apiName: 'tier', type: 'enum', enumValues: ['gold', 'silver'] },
              { apiName: 'credit', type: 'decimal' },
              { apiName: 'since', type: 'date' },
              { apiName: 'tags', type: 'array', itemType: 'string' },
            ],
          }),
          1,
          client,
        );
        await schema.createObjectType(
          objectTypeDefinitionSchema.parse({ apiName: 'Order', primaryKey: 'orderId', properties: [{ apiName: 'orderId', type: 'integer', required: true }] }),
          1,
          client,
        );
        await schema.createLinkType(
          linkTypeDefinitionSchema.parse({ apiName: 'placed', fromTypeApiName: 'Customer', toTypeApiName: 'Order', cardinality: 'one_to_many', properties: [{ apiName: 'channel', type: 'string' }] }),
          1,
          client,
        );
      }, tenantId);
    }
  });
  afterAll(async () => {
    await moduleRef?.close();
    await db?.close();
  });

  it('refuses bad values with one error per field, and writes nothing', async () => {
    const error = await failure(
      tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 7, tier: 'bronze', since: '2026-02-30', nope: 1, tags: ['a', 2] } })),
    );
    expect(error.code).toBe('ontology.validation_failed');
    expect(error.kind).toBe('invalid_argument');
    const errors = (error.details?.['errors'] as { path: string; code: string }[]).map((entry) => `${entry.path}:${entry.code}`).sort();
    expect(errors).toEqual(
      ['properties.customerId:type_mismatch', 'properties.name:required', 'properties.nope:unknown_property', 'properties.since:type_mismatch', 'properties.tags:type_mismatch', 'properties.tier:enum'].sort(),
    );
    const [{ count }] = await db.query<{ count: string }>('SELECT count(*)::text AS count FROM ontology_object WHERE tenant_id = $1', [tenant]);
    expect(count).toBe('0');
  });

  it('keeps the primary key and unique properties unique among live objects', async () => {
    await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-1', name: 'Ada', email: 'ada@example.com' } }));
    const duplicate = await failure(tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-1', name: 'Other', email: 'ada@example.com' } })));
    expect((duplicate.details?.['errors'] as { path: string; code: string }[]).map((entry) => `${entry.path}:${entry.code}`).sort()).toEqual([
      'properties.customerId:unique',
      'properties.email:unique',
    ]);
    // The same key in another tenant is fine.
    await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-1', name: 'Ada elsewhere' } }), other);
  });

  it('updates with optimistic concurrency: of two updates expecting the same version, one gets 409', async () => {
    const { after } = await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-2', name: 'Bob' } }));
    const id = must(after).id;
    const results = await Promise.allSettled([
      tx((client) => objects.update(client, { id, patch: { name: 'Bob A' }, expectedVersion: 1 })),
      tx((client) => objects.update(client, { id, patch: { name: 'Bob B' }, expectedVersion: 1 })),
    ]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(must(rejected[0]).reason).toMatchObject({ code: 'ontology.version_conflict', kind: 'conflict', details: { expectedVersion: 1, actualVersion: 2 } });
    const removed = await tx((client) => objects.update(client, { id, patch: { name: 'Robert', credit: 12.5, since: '2026-01-31' } }));
    expect(removed.after?.version).toBe(3);
    const history = await as(() => moduleRef.get(HistoryRepository).forObject(id, 10));
    expect(history.map((entry) => `${entry.version}:${entry.changeKind}`)).toEqual(['3:updated', '2:updated', '1:created']);
    expect(history[0]).toMatchObject({ changedProperties: ['name', 'credit', 'since'], actor: { type: 'user', id: actor.id } });
    expect(must(history[0]).before).toMatchObject({ customerId: 'c-2' });
    expect(must(history[0]).after).toMatchObject({ name: 'Robert', credit: 12.5 });
    // Removing a required property is refused; removing an optional one is a change.
    expect((await failure(tx((client) => objects.update(client, { id, patch: { name: null } })))).code).toBe('ontology.validation_failed');
    const cleared = await tx((client) => objects.update(client, { id, patch: { credit: null } }));
    expect(cleared.after?.properties).not.toHaveProperty('credit');
  });

  it('validates links: endpoints, endpoint types, duplicates and cardinality; deleting an object soft-deletes it and its links', async () => {
    const customer = must((await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-3', name: 'Cy' } }))).after);
    const customer2 = must((await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-4', name: 'Di' } }))).after);
    const order = must((await tx((client) => objects.create(client, { typeApiName: 'Order', properties: { orderId: 1 } }))).after);
    const missing = await failure(tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: customer.id, toId: newId() })));
    expect(missing).toMatchObject({ code: 'ontology.link_endpoint_invalid', details: { errors: [{ path: 'toId' }] } });
    const wrongType = await failure(tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: order.id, toId: customer.id })));
    expect((wrongType.details?.['errors'] as unknown[]).length).toBe(2);
    const badProperty = await failure(tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: customer.id, toId: order.id, properties: { channel: 3 } })));
    expect(badProperty.code).toBe('ontology.validation_failed');
    const link = must((await tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: customer.id, toId: order.id, properties: { channel: 'web' } }))).after);
    expect((await failure(tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: customer.id, toId: order.id })))).code).toBe('ontology.link_exists');
    // one_to_many: an order has one customer.
    expect((await failure(tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: customer2.id, toId: order.id })))).code).toBe('ontology.cardinality_violated');

    const deleted = await tx((client) => objects.delete(client, { id: customer.id, expectedVersion: 1 }));
    expect(deleted.after?.deletedAt).toBeInstanceOf(Date);
    const [row] = await db.query<{ deleted_at: Date | null }>('SELECT deleted_at FROM ontology_link WHERE id = $1', [link.id]);
    expect(row?.deleted_at).not.toBeNull();
    // The soft-deleted object can no longer be linked or changed, and its key is free again.
    expect((await failure(tx((client) => objects.update(client, { id: customer.id, patch: { name: 'x' } })))).code).toBe('ontology.object_not_found');
    await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-3', name: 'Cy again' } }));
    await tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: customer2.id, toId: order.id }));
  });

  it('a rolled-back transaction leaves no object, history or event behind', async () => {
    const before = await db.query<{ count: string }>('SELECT count(*)::text AS count FROM ontology_event WHERE tenant_id = $1', [tenant]);
    await failure(
      tx(async (client) => {
        await objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-rollback', name: 'Gone' } });
        await objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'c-rollback', name: 'Duplicate' } });
      }),
    );
    const after = await db.query<{ count: string }>('SELECT count(*)::text AS count FROM ontology_event WHERE tenant_id = $1', [tenant]);
    expect(must(after[0]).count).toBe(must(before[0]).count);
    expect(await db.query("SELECT id FROM ontology_object WHERE primary_key_value = 'c-rollback'")).toHaveLength(0);
  });

  it('numbers events without gaps or duplicates in commit order under concurrent writers', async () => {
    const start = await db.query<{ last: string | null }>('SELECT max(sequence)::text AS last FROM ontology_event WHERE tenant_id = $1', [tenant]);
    const cursor = BigInt(start[0]?.last ?? '0');
    const seen: bigint[] = [];
    let reading = true;
    // A reader polls by cursor while writers commit; it must end up with every event exactly once, in order.
    const reader = (async () => {
      let after = cursor;
      while (reading || after < cursor + 40n) {
        const rows = await db.query<{ sequence: string }>('SELECT sequence::text FROM ontology_event WHERE tenant_id = $1 AND sequence > $2 ORDER BY sequence LIMIT 7', [
          tenant,
          after.toString(),
        ]);
        for (const row of rows) seen.push(BigInt(row.sequence));
        if (rows.length) after = BigInt(must(rows.at(-1)).sequence);
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        tx(async (client) => {
          const created = await objects.create(client, { typeApiName: 'Customer', properties: { customerId: `conc-${index}`, name: `N${index}` } });
          await new Promise((resolve) => setTimeout(resolve, index % 3));
          await objects.update(client, { id: must(created.after).id, patch: { name: `M${index}` } });
        }),
      ),
    );
    reading = false;
    await reader;
    expect(seen).toHaveLength(40);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, index) => cursor + BigInt(index + 1)));
  });
  it.skipIf(!process.env['TEST_DATABASE_URL'])('answers 503 ontology.busy when the tenant write lock is held too long (server only: PGlite has one session)', async () => {
    const events = moduleRef.get(OntologyEvents);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = tx(async (client) => {
      await events.lock(client);
      locked();
      await held;
    });
    await lockTaken;
    const waiting = await failure(tx((client) => events.lock(client, 200)));
    release();
    await holder;
    expect(waiting).toMatchObject({ code: 'ontology.busy', kind: 'unavailable' });
  });

  it('bulk-writes like one-by-one writes: file order, in-file duplicates, unique values, history and gap-free events', async () => {
    const bulk = moduleRef.get(BulkObjectWriter);
    await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'b-1', name: 'One', email: 'one@example.com' } }));
    const rows = [
      { customerId: 'b-1', name: 'One renamed' }, // updates the live object
      { customerId: 'b-2', name: 'Two', email: 'two@example.com' }, // created
      { customerId: 'b-2', name: 'Two again' }, // updates the object the previous row created
      { customerId: 'b-1', name: 'One renamed' }, // unchanged
      { customerId: 'b-3', name: 'Three', email: 'one@example.com' }, // email taken by b-1
      { customerId: 'b-4', name: 'Four', tier: 'bronze' }, // invalid
    ];
    const refused = await tx((client) => bulk.write(client, { typeApiName: 'Customer', mode: 'upsert', rows }));
    expect(refused.written).toBe(false);
    expect(refused.outcomes.map((outcome) => (outcome.kind === 'failed' ? `failed:${outcome.errors.map((error) => `${error.path}:${error.code}`).join(',')}` : outcome.kind))).toEqual([
      'updated',
      'created',
      'updated',
      'unchanged',
      'failed:properties.email:unique',
      'failed:properties.tier:enum',
    ]);
    const duplicate = await tx((client) => bulk.write(client, { typeApiName: 'Customer', mode: 'create', rows: [{ customerId: 'b-5', name: 'Five' }, { customerId: 'b-5', name: 'Five twice' }] }));
    expect(duplicate.outcomes[1]).toMatchObject({ kind: 'failed', errors: [{ path: 'properties.customerId', code: 'unique' }] });

    const head = async () => BigInt(must((await db.query<{ s: string }>('SELECT last_sequence::text AS s FROM ontology_event_head WHERE tenant_id = $1', [tenant]))[0]).s);
    const start = await head();
    const written = await tx((client) => bulk.write(client, { typeApiName: 'Customer', mode: 'upsert', rows: rows.slice(0, 4) }));
    expect(written.written).toBe(true);
    const two = written.outcomes[1] as { id: string };
    const one = written.outcomes[0] as { id: string };
    const [object] = await db.query<{ version: number; properties: Record<string, unknown> }>('SELECT version, properties FROM ontology_object WHERE id = $1', [two.id]);
    expect(object).toEqual({ version: 2, properties: { customerId: 'b-2', name: 'Two again', email: 'two@example.com' } });
    const history = await db.query<{ version: number; change_kind: string; changed_properties: string[]; before: unknown }>(
      'SELECT version, change_kind, changed_properties, before FROM ontology_object_history WHERE object_id = $1 ORDER BY version',
      [two.id],
    );
    expect(history).toEqual([
      { version: 1, change_kind: 'created', changed_properties: ['customerId', 'name', 'email'], before: null },
      { version: 2, change_kind: 'updated', changed_properties: ['name'], before: { customerId: 'b-2', name: 'Two', email: 'two@example.com' } },
    ]);
    const events = await db.query<{ sequence: string; type: string; object_id: string; payload: Record<string, unknown> }>(
      'SELECT sequence::text AS sequence, type, object_id::text AS object_id, payload FROM ontology_event WHERE tenant_id = $1 AND sequence > $2 ORDER BY sequence',
      [tenant, start.toString()],
    );
    expect(events.map((event) => [BigInt(event.sequence) - start, event.type, event.object_id])).toEqual([
      [1n, 'object.changed', one.id],
      [2n, 'object.created', two.id],
      [3n, 'object.changed', two.id],
    ]);
    expect(events[2]?.payload).toEqual({ version: 2, changedProperties: ['name'], before: { name: 'Two' }, after: { name: 'Two again' } });
    expect(await head()).toBe(start + 3n);
  });

  it('restores a deleted object with its links, as a new version with history and an event', async () => {
    const { after: customer } = await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'r-1', name: 'Rita', email: 'rita@example.com' } }));
    const { after: order } = await tx((client) => objects.create(client, { typeApiName: 'Order', properties: { orderId: 9001 } }));
    await tx((client) => links.create(client, { linkTypeApiName: 'placed', fromId: must(customer).id, toId: must(order).id, properties: { channel: 'web' } }));
    const notDeleted = await failure(tx((client) => objects.restore(client, { id: must(customer).id })));
    expect(notDeleted).toMatchObject({ code: 'ontology.object_not_deleted', kind: 'conflict' });
    const { after: deleted } = await tx((client) => objects.delete(client, { id: must(customer).id }));
    const stale = await failure(tx((client) => objects.restore(client, { id: must(customer).id, expectedVersion: 1 })));
    expect(stale).toMatchObject({ code: 'ontology.version_conflict' });

    const restored = await tx((client) => objects.restore(client, { id: must(customer).id, expectedVersion: must(deleted).version }));
    expect(restored.after).toMatchObject({ version: 3, deletedAt: null, properties: { customerId: 'r-1', name: 'Rita', email: 'rita@example.com' } });
    expect(restored.links).toHaveLength(1);
    expect(restored.links[0]).toMatchObject({ linkTypeApiName: 'placed', fromObjectId: must(customer).id, toObjectId: must(order).id, properties: { channel: 'web' }, deletedAt: null });
    const history = await db.query<{ change_kind: string }>('SELECT change_kind FROM ontology_object_history WHERE object_id = $1 ORDER BY version', [must(customer).id]);
    expect(history.map((entry) => entry.change_kind)).toEqual(['created', 'deleted', 'restored']);
    const events = await db.query<{ type: string }>(
      "SELECT type FROM ontology_event WHERE tenant_id = $1 AND (object_id = $2 OR link_id = $3) AND type IN ('object.restored', 'link.created') ORDER BY sequence DESC LIMIT 2",
      [tenant, must(customer).id, restored.links[0]?.id],
    );
    expect(events.map((event) => event.type).sort()).toEqual(['link.created', 'object.restored']);

    // Deleted again, and its primary key taken meanwhile: the restore is refused, nothing written.
    await tx((client) => objects.delete(client, { id: must(customer).id }));
    await tx((client) => objects.create(client, { typeApiName: 'Customer', properties: { customerId: 'r-1', name: 'Another Rita' } }));
    const taken = await failure(tx((client) => objects.restore(client, { id: must(customer).id })));
    expect(taken).toMatchObject({ code: 'ontology.validation_failed' });
    expect((taken.details?.['errors'] as { path: string; code: string }[]).map((error) => `${error.path}:${error.code}`)).toEqual(['properties.customerId:unique']);
    const [row] = await db.query<{ deleted: boolean }>('SELECT deleted_at IS NOT NULL AS deleted FROM ontology_object WHERE id = $1', [must(customer).id]);
    expect(row?.deleted).toBe(true);
  });
});
