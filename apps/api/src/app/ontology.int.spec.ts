import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

/** The value, or a failed test if it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface ObjectBody {
  id: string;
  typeApiName: string;
  version: number;
  title: string;
  properties: Record<string, unknown>;
}
interface Report {
  valid: boolean;
  changes: { ok: boolean; findings: { severity: string; code: string; message: string; affected?: { count: number } }[] }[];
}

const customerType = {
  apiName: 'Customer',
  displayName: 'Customer',
  description: 'A company that buys from us. Look up by customerId.',
  primaryKey: 'customerId',
  titleProperty: 'name',
  properties: [
    { apiName: 'customerId', type: 'string', required: true, unique: true, description: 'Our customer number, e.g. C-1001.' },
    { apiName: 'name', type: 'string', required: true, description: 'Legal name.' },
    { apiName: 'tier', type: 'enum', enumValues: ['gold', 'silver', 'bronze'], description: 'Service tier.' },
    { apiName: 'seats', type: 'integer', description: 'Licensed seats.' },
    { apiName: 'notes', type: 'string', description: 'Free text.' },
  ],
};
const orderType = {
  apiName: 'Order',
  primaryKey: 'orderId',
  properties: [
    { apiName: 'orderId', type: 'string', required: true },
    { apiName: 'amount', type: 'decimal' },
    { apiName: 'placedAt', type: 'timestamp' },
  ],
};

describe('ontology over HTTP', () => {
  let api: ApiHarness;
  let owner: string;
  let builder: string;
  let operator: string;
  let viewer: string;
  let ownerB: string;

  async function keyFor(token: string, role: string, name = `${role}-bot`): Promise<string> {
    const account = await api.call<{ id: string }>(token, 'POST', '/governance/service-accounts', { name, roles: [role] });
    expect(account.status).toBe(201);
    const key = await api.call<{ token: string }>(token, 'POST', '/governance/api-keys', { name: `${name} key`, serviceAccountId: account.body.id, roles: [role] });
    expect(key.status).toBe(201);
    return key.body.token;
  }

  beforeAll(async () => {
    api = await startApiHarness();
    owner = (await api.provision('onto-a')).token;
    ownerB = (await api.provision('onto-b')).token;
    builder = await keyFor(owner, 'builder');
    operator = await keyFor(owner, 'operator');
    viewer = await keyFor(owner, 'viewer');
  });
  afterAll(() => api?.close());

  describe('schema', () => {
    it('creates object and link types as versioned changes (builder), refusing invalid definitions with a report', async () => {
      const refused = await api.call<ErrorBody>(builder, 'POST', '/ontology/object-types', { ...customerType, primaryKey: 'missing' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('ontology.schema_change_rejected');
      const report = refused.body.error.details?.['report'] as Report;
      expect(must(report.changes[0]).findings.some((finding) => finding.code === 'unknown_primary_key')).toBe(true);

      expect((await api.call(operator, 'POST', '/ontology/object-types', customerType)).status).toBe(403);
      const created = await api.call<{ id: string; apiName: string; schemaVersion: number }>(builder, 'POST', '/ontology/object-types', customerType);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ apiName: 'Customer', schemaVersion: 1 });
      expect((await api.call(builder, 'POST', '/ontology/object-types', orderType)).status).toBe(201);
      const link = await api.call<{ apiName: string }>(builder, 'POST', '/ontology/link-types', {
        apiName: 'placed',
        description: 'The customer placed the order.',
        fromTypeApiName: 'Customer',
        toTypeApiName: 'Order',
        cardinality: 'one_to_many',
      });
      expect(link.status).toBe(201);
      const byId = await api.call<{ apiName: string }>(viewer, 'GET', `/ontology/object-types/${created.body.id}`);
      expect(byId.body.apiName).toBe('Customer');
      const byName = await api.call<{ primaryKey: string }>(viewer, 'GET', '/ontology/object-types/Customer');
      expect(byName.body.primaryKey).toBe('customerId');
      const bad = await api.call<ErrorBody & { error: { details: { issues: { path: string }[] } } }>(builder, 'POST', '/ontology/object-types', {
        ...customerType,
        apiName: '9bad',
        properties: [{ apiName: 'x', type: 'nope' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues.map((issue) => issue.path).sort()).toEqual(['apiName', 'properties.0.type']);
    });
  });

  describe('objects', () => {
    let ada: ObjectBody;

    it('creates objects with per-field validation errors', async () => {
      const invalid = await api.call<ErrorBody>(operator, 'POST', '/ontology/objects', {
        typeApiName: 'Customer',
        properties: { customerId: 'C-1', seats: 'ten', tier: 'platinum', colour: 'red' },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('ontology.validation_failed');
      const errors = invalid.body.error.details?.['errors'] as { path: string; code: string }[];
      expect(errors.map((error) => `${error.path}:${error.code}`).sort()).toEqual([
        'properties.colour:unknown_property',
        'properties.name:required',
        'properties.seats:type_mismatch',
        'properties.tier:enum',
      ]);
      const unknownType = await api.call<ErrorBody>(operator, 'POST', '/ontology/objects', { typeApiName: 'Nope', properties: {} });
      expect(unknownType.status).toBe(404);

      const created = await api.call<ObjectBody>(operator, 'POST', '/ontology/objects', { typeApiName: 'Customer', properties: { customerId: 'C-1', name: 'Ada Ltd', tier: 'gold', seats: 10 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ version: 1, title: 'Ada Ltd', typeApiName: 'Customer' });
      ada = created.body;
      expect((await api.call<ErrorBody>(viewer, 'POST', '/ontology/objects', { typeApiName: 'Customer', properties: { customerId: 'C-9', name: 'x' } })).status).toBe(403);
      const duplicate = await api.call<ErrorBody>(operator, 'POST', '/ontology/objects', { typeApiName: 'Customer', properties: { customerId: 'C-1', name: 'Again' } });
      expect(duplicate.status).toBe(400);
      expect(must((duplicate.body.error.details?.['errors'] as { code: string }[])[0]).code).toBe('unique');
    });

    it('updates with If-Match: a stale version gets 409 ontology.version_conflict; history says who, what and when', async () => {
      const read = await fetch(`${api.base}/ontology/objects/${ada.id}`, { headers: { authorization: `Bearer ${viewer}` } });
      expect(read.headers.get('etag')).toBe('"1"');
      const first = await api.call<ObjectBody>(operator, 'PATCH', `/ontology/objects/${ada.id}`, { properties: { seats: 12 } }, { 'if-match': '"1"' });
      expect(first.status).toBe(200);
      expect(first.body.version).toBe(2);
      const stale = await api.call<ErrorBody>(operator, 'PATCH', `/ontology/objects/${ada.id}`, { properties: { seats: 13 } }, { 'if-match': '"1"' });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('ontology.version_conflict');
      const concurrent = await Promise.all([
        api.call(operator, 'PATCH', `/ontology/objects/${ada.id}`, { properties: { seats: 20 }, expectedVersion: 2 }),
        api.call(operator, 'PATCH', `/ontology/objects/${ada.id}`, { properties: { seats: 21 }, expectedVersion: 2 }),
      ]);
      expect(concurrent.map((response) => response.status).sort()).toEqual([200, 409]);

      const history = await api.call<{ items: { version: number; changeKind: string; changedProperties: string[]; actor: { type: string }; before: Record<string, unknown> }[] }>(
        viewer,
        'GET',
        `/ontology/objects/${ada.id}/history`,
      );
      expect(history.body.items.map((entry) => `${entry.version}:${entry.changeKind}`)).toEqual(['3:updated', '2:updated', '1:created']);
      expect(history.body.items[1]).toMatchObject({ changedProperties: ['seats'], actor: { type: 'service_account' }, before: { seats: 10 } });
      const audit = await api.db.query<{ action: string }>(`SELECT action FROM audit_entry WHERE target_id = $1 ORDER BY seq`, [ada.id]);
      expect(audit.map((row) => row.action)).toEqual(['ontology.object.create', 'ontology.object.update', 'ontology.object.update']);
      const reads = await api.db.query(`SELECT id FROM data_access_record WHERE resource_type = 'OntologyObject' AND $1 = ANY(resource_ids)`, [ada.id]);
      expect(reads.length).toBeGreaterThan(0);
    });

    it('lists by type with property filters, and soft-deletes', async () => {
      for (const [index, tier] of ['silver', 'silver', 'bronze'].entries()) {
        expect((await api.call(operator, 'POST', '/ontology/objects', { typeApiName: 'Customer', properties: { customerId: `C-${index + 10}`, name: `Co ${index}`, tier } })).status).toBe(201);
      }
      const silver = await api.call<{ items: ObjectBody[] }>(viewer, 'GET', `/ontology/objects?type=Customer&where=${encodeURIComponent('{"tier":"silver"}')}`);
      expect(silver.body.items.map((item) => item.properties['customerId'])).toEqual(['C-10', 'C-11']);
      const badFilter = await api.call<ErrorBody>(viewer, 'GET', `/ontology/objects?type=Customer&where=${encodeURIComponent('{"tier":"nope"}')}`);
      expect(badFilter.status).toBe(400);
      const paged = await api.call<{ items: ObjectBody[]; nextCursor: string }>(viewer, 'GET', '/ontology/objects?type=Customer&limit=2');
      expect(paged.body.items).toHaveLength(2);
      const rest = await api.call<{ items: ObjectBody[] }>(viewer, 'GET', `/ontology/objects?type=Customer&limit=10&cursor=${paged.body.nextCursor}`);
      expect(rest.body.items).toHaveLength(2);

      const victim = must(silver.body.items[0]);
      expect((await api.call(operator, 'DELETE', `/ontology/objects/${victim.id}`)).status).toBe(403);
      expect((await api.call(builder, 'DELETE', `/ontology/objects/${victim.id}`, undefined, { 'if-match': '"7"' })).status).toBe(409);
      expect((await api.call(builder, 'DELETE', `/ontology/objects/${victim.id}`)).status).toBe(204);
      expect((await api.call(viewer, 'GET', `/ontology/objects/${victim.id}`)).status).toBe(404);
      const kept = await api.call<ObjectBody & { deletedAt: string }>(viewer, 'GET', `/ontology/objects/${victim.id}?includeDeleted=true`);
      expect(kept.status).toBe(200);
      expect(kept.body.deletedAt).toBeTruthy();
      const history = await api.call<{ items: { changeKind: string }[] }>(viewer, 'GET', `/ontology/objects/${victim.id}/history`);
      expect(must(history.body.items[0]).changeKind).toBe('deleted');
    });

    it('links objects and shows the neighbourhood with titles', async () => {
      const order = await api.call<ObjectBody>(operator, 'POST', '/ontology/objects', { typeApiName: 'Order', properties: { orderId: 'O-1', amount: 99.5, placedAt: '2026-03-01T10:00:00+01:00' } });
      expect(order.body.properties['placedAt']).toBe('2026-03-01T09:00:00.000Z');
      const link = await api.call<{ id: string }>(operator, 'POST', '/ontology/links', { linkTypeApiName: 'placed', fromId: ada.id, toId: order.body.id });
      expect(link.status).toBe(201);
      const wrong = await api.call<ErrorBody>(operator, 'POST', '/ontology/links', { linkTypeApiName: 'placed', fromId: order.body.id, toId: ada.id });
      expect(wrong.status).toBe(409);
      expect(wrong.body.error.code).toBe('ontology.link_endpoint_invalid');
      const hood = await api.call<{ links: { direction: string; other: { title: string; typeApiName: string } }[] }>(viewer, 'GET', `/ontology/objects/${ada.id}/links`);
      expect(hood.body.links).toEqual([expect.objectContaining({ direction: 'outgoing', other: expect.objectContaining({ title: 'O-1', typeApiName: 'Order' }) })]);
      expect((await api.call(viewer, 'GET', `/ontology/links/${link.body.id}`)).status).toBe(200);
      expect((await api.call(operator, 'DELETE', `/ontology/links/${link.body.id}`)).status).toBe(204);
      expect((await api.call(viewer, 'GET', `/ontology/links/${link.body.id}`)).status).toBe(404);
    });
  });

  describe('schema evolution with existing data', () => {
    it('refuses breaking changes with an explanation, applies a compatible one keeping the data, and keeps previous versions', async () => {
      const properties = customerType.properties;
      // Dry run: removing `seats` (which has data) and making `tier` required (some lack it? no: all have it) and `notes` required (none has it).
      const proposal = {
        changes: [
          {
            kind: 'update_object_type',
            apiName: 'Customer',
            update: {
              properties: properties
                .filter((property) => property.apiName !== 'seats')
                .map((property) => (property.apiName === 'notes' ? { ...property, required: true } : property)),
            },
          },
        ],
      };
      const before = await api.call<{ items: unknown[] }>(viewer, 'GET', '/ontology/schema/versions');
      const dryRun = await api.call<Report>(viewer, 'POST', '/ontology/schema/validate', proposal);
      expect(dryRun.status).toBe(200);
      expect(dryRun.body.valid).toBe(false);
      const codes = must(dryRun.body.changes[0]).findings.filter((finding) => finding.severity === 'breaking').map((finding) => finding.code).sort();
      expect(codes).toEqual(['property_has_data', 'required_but_missing']);
      expect(must(must(must(dryRun.body.changes[0]).findings.find((finding) => finding.code === 'property_has_data')).affected).count).toBe(1);
      const refused = await api.call<ErrorBody>(builder, 'PATCH', '/ontology/object-types/Customer', must(proposal.changes[0]).update);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('seats');

      // Changing seats from integer to string breaks (values are numbers); to decimal does not.
      const toString = await api.call<Report>(viewer, 'POST', '/ontology/schema/validate', {
        changes: [{ kind: 'update_object_type', apiName: 'Customer', update: { properties: properties.map((property) => (property.apiName === 'seats' ? { ...property, type: 'string' } : property)) } }],
      });
      expect(must(toString.body.changes[0]).findings.map((finding) => finding.code)).toContain('values_do_not_convert');
      // Whatever the earlier race (20 or 21) left in Ada's seats must survive the change of type.
      const adaQuery = `/ontology/objects?type=Customer&where=${encodeURIComponent('{"customerId":"C-1"}')}`;
      const seatsBefore = must((await api.call<{ items: ObjectBody[] }>(viewer, 'GET', adaQuery)).body.items[0]).properties['seats'];
      expect([20, 21]).toContain(seatsBefore);
      const compatible = await api.call<{ schemaVersion: number; properties: { apiName: string; type: string }[] }>(builder, 'PATCH', '/ontology/object-types/Customer', {
        description: 'A company that buys from us.',
        properties: [...properties.map((property) => (property.apiName === 'seats' ? { ...property, type: 'decimal' } : property)), { apiName: 'vip', type: 'boolean' }],
      });
      expect(compatible.status).toBe(200);
      expect(must(compatible.body.properties.find((property) => property.apiName === 'seats')).type).toBe('decimal');
      const ada = await api.call<{ items: ObjectBody[] }>(viewer, 'GET', adaQuery);
      expect(must(ada.body.items[0]).properties['seats']).toBe(seatsBefore);

      const after = await api.call<{ items: { version: number }[] }>(viewer, 'GET', '/ontology/schema/versions');
      expect(after.body.items.length).toBe(before.body.items.length + 1);
      const previous = await api.call<{ snapshot: { objectTypes: { apiName: string; properties: { apiName: string; type: string }[] }[] } }>(
        viewer,
        'GET',
        `/ontology/schema/versions/${must(after.body.items[1]).version}`,
      );
      const old = must(previous.body.snapshot.objectTypes.find((type) => type.apiName === 'Customer'));
      expect(must(old.properties.find((property) => property.apiName === 'seats')).type).toBe('integer');

      // Removing a type with objects, or one a link type uses, is refused.
      const removeType = await api.call<ErrorBody>(builder, 'DELETE', '/ontology/object-types/Order');
      expect(removeType.status).toBe(409);
      const reasons = must((removeType.body.error.details?.['report'] as Report).changes[0]).findings.filter((finding) => finding.severity !== 'info').map((finding) => finding.code).sort();
      expect(reasons).toEqual(['type_has_objects', 'type_in_use']);
    });
  });

  describe('import', () => {
    it('dry-runs a CSV with a report per row (nothing written), refuses a bad commit whole, commits a good one', async () => {
      const csv = 'customerId,name,tier,seats\nI-1,Imp One,gold,5\nI-2,,silver,x\nI-3,Imp Three,wood,3\nI-1,Dup,gold,1\n';
      const dry = await api.call<{ dryRun: boolean; committed: boolean; created: number; failed: number; errors: { row: number; line: number; errors: { path: string; code: string }[] }[] }>(
        operator,
        'POST',
        '/ontology/import?dryRun=true',
        { typeApiName: 'Customer', format: 'csv', csv },
      );
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ dryRun: true, committed: false, created: 1, failed: 3 });
      expect(dry.body.errors.map((row) => `${row.row}@${row.line}:${row.errors.map((error) => `${error.path}:${error.code}`).sort().join(',')}`)).toEqual([
        '2@3:properties.name:required,properties.seats:type_mismatch',
        '3@4:properties.tier:enum',
        '4@5:properties.customerId:unique',
      ]);
      const count = async () => (await api.db.query(`SELECT id FROM ontology_object WHERE primary_key_value LIKE 'I-%'`)).length;
      expect(await count()).toBe(0);
      const refused = await api.call<ErrorBody>(operator, 'POST', '/ontology/import', { typeApiName: 'Customer', format: 'csv', csv });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('ontology.import_rejected');
      expect(await count()).toBe(0);

      const rows = Array.from({ length: 50 }, (_, index) => ({ customerId: `I-${index}`, name: `Imported ${index}`, seats: index }));
      const committed = await api.call<{ committed: boolean; created: number }>(operator, 'POST', '/ontology/import', { typeApiName: 'Customer', format: 'json', rows });
      expect(committed.status).toBe(200);
      expect(committed.body).toMatchObject({ committed: true, created: 50 });
      expect(await count()).toBe(50);
      const upsert = await api.call<{ created: number; updated: number; unchanged: number }>(operator, 'POST', '/ontology/import', {
        typeApiName: 'Customer',
        format: 'json',
        mode: 'upsert',
        rows: [{ customerId: 'I-0', name: 'Renamed' }, { customerId: 'I-1', name: 'Imported 1' }, { customerId: 'I-new', name: 'New' }],
      });
      expect(upsert.body).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
      const unreadable = await api.call<ErrorBody>(operator, 'POST', '/ontology/import', { typeApiName: 'Customer', format: 'csv', csv: 'a,b\n"1,2\n' });
      expect(unreadable.status).toBe(400);
    });
  });

  describe('events', () => {
    it('serves the feed by cursor, in order, without gaps', async () => {
      const sequences: bigint[] = [];
      const types = new Set<string>();
      let cursor = '0';
      for (;;) {
        const page = await api.call<{ items: { sequence: string; type: string }[]; nextCursor: string }>(viewer, 'GET', `/ontology/events?after=${cursor}&limit=25`);
        expect(page.status).toBe(200);
        if (!page.body.items.length) break;
        sequences.push(...page.body.items.map((item) => BigInt(item.sequence)));
        page.body.items.forEach((item) => types.add(item.type));
        cursor = page.body.nextCursor;
      }
      expect(sequences.length).toBeGreaterThan(60);
      expect(sequences).toEqual(sequences.map((_, index) => BigInt(index + 1)));
      expect([...types].sort()).toEqual(['link.created', 'link.deleted', 'object.changed', 'object.created', 'object.deleted', 'schema.changed']);
      expect((await api.call(viewer, 'GET', '/ontology/events?after=abc')).status).toBe(400);
    });
  });

  describe('isolation', () => {
    it("keeps another tenant's objects invisible and untouchable", async () => {
      const mine = await api.call<{ items: ObjectBody[] }>(viewer, 'GET', '/ontology/objects?type=Customer&limit=1');
      const id = must(mine.body.items[0]).id;
      expect((await api.call(ownerB, 'GET', `/ontology/objects/${id}`)).status).toBe(404);
      expect((await api.call(ownerB, 'PATCH', `/ontology/objects/${id}`, { properties: { name: 'x' } })).status).toBe(404);
      expect((await api.call(ownerB, 'GET', `/ontology/objects/${id}/history`)).status).toBe(404);
      expect((await api.call<{ items: unknown[] }>(ownerB, 'GET', '/ontology/objects')).body.items).toEqual([]);
      expect((await api.call<{ items: unknown[] }>(ownerB, 'GET', '/ontology/events')).body.items).toEqual([]);
      expect((await api.call(ownerB, 'POST', '/ontology/objects', { typeApiName: 'Customer', properties: { customerId: 'B-1', name: 'B' } })).status).toBe(404);
    });

    it('applies a restricting policy as a database filter on lists and reads', async () => {
      const published = await api.call(owner, 'PUT', '/governance/policies', {
        rules: [
          { roles: ['customer-reader'], action: 'read', subject: 'OntologyObjectType' },
          { roles: ['customer-reader'], action: 'read', subject: 'OntologyObject', conditions: { typeApiName: 'Customer' } },
        ],
      });
      expect(published.status).toBe(200);
      const reader = await keyFor(owner, 'customer-reader');
      const listed = await api.call<{ items: ObjectBody[] }>(reader, 'GET', '/ontology/objects?limit=200');
      expect(listed.status).toBe(200);
      expect(listed.body.items.length).toBeGreaterThan(0);
      expect(new Set(listed.body.items.map((item) => item.typeApiName))).toEqual(new Set(['Customer']));
      const order = await api.call<{ items: ObjectBody[] }>(viewer, 'GET', '/ontology/objects?type=Order');
      expect((await api.call(reader, 'GET', `/ontology/objects/${must(order.body.items[0]).id}`)).status).toBe(404);
      expect((await api.call(reader, 'GET', '/ontology/events')).status).toBe(403);
    });
  });

  describe('self-description', () => {
    it('describes types, properties with JSON Schemas, and link types', async () => {
      const described = await api.call<{
        schemaVersion: number;
        objectTypes: { apiName: string; description: string; propertiesSchema: { properties: Record<string, unknown>; required: string[] } }[];
        linkTypes: { apiName: string; from: string; to: string }[];
        actionTypes: unknown[];
      }>(viewer, 'GET', '/ontology/describe');
      expect(described.status).toBe(200);
      const customer = must(described.body.objectTypes.find((type) => type.apiName === 'Customer'));
      expect(customer.propertiesSchema.properties['tier']).toMatchObject({ type: 'string', enum: ['gold', 'silver', 'bronze'] });
      expect(customer.propertiesSchema.required).toEqual(['customerId', 'name']);
      expect(described.body.linkTypes).toContainEqual(expect.objectContaining({ apiName: 'placed', from: 'Customer', to: 'Order' }));
      expect(Array.isArray(described.body.actionTypes)).toBe(true);
    });
  });
});
