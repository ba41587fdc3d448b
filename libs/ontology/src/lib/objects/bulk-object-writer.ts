import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, newId, RequestContextStore, type Clock } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { currentActor, OntologyEvents, type BulkEventInput } from '../events/ontology-events';
import { HistoryRepository, type HistoryEntryInput } from '../history/history.repository';
import { missingRequired, validateProperties, type FieldError } from '../schema/property-validation';
import { TypesInTransaction } from '../schema/types-in-transaction';
import { canonicalJson, primaryKeyText, type ObjectRow, type WriteOrigin } from './object-record';
import { ObjectsRepository } from './objects.repository';

export type BulkRowOutcome =
  | { kind: 'created' | 'updated' | 'unchanged'; id: string }
  | { kind: 'failed'; errors: FieldError[] | Array<{ path: string; code: string; message: string }> };

export interface BulkWriteResult {
  outcomes: BulkRowOutcome[];
  /** Whether anything was written (nothing is when a row failed). */
  written: boolean;
}

/** Chunk of rows per multi-row statement: one array parameter per column, a few MB at most. */
const CHUNK = 2_000;

/**
 * Creates (or, with `upsert`, updates by primary key) many objects of one type in the caller's
 * transaction with the same rules, history and events as {@link ObjectWriter}, but batched:
 * every row is validated first against an in-memory view of the affected objects (the live
 * objects holding the file's primary keys and unique values, read in one statement each, plus
 * what earlier rows of the file did), then — only if every row passed — objects, history and
 * events are written with a handful of multi-row statements. Rows are applied in file order, so
 * outcomes and event sequences are exactly those of writing the rows one by one. Needs the tenant's
 * event-head lock (taken here), which makes the in-memory uniqueness view race-free.
 */
@Injectable()
export class BulkObjectWriter {
  constructor(
    private readonly objects: ObjectsRepository,
    private readonly types: TypesInTransaction,
    private readonly history: HistoryRepository,
    private readonly events: OntologyEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async write(
    tx: Prisma.TransactionClient,
    input: {
      typeApiName: string;
      mode: 'create' | 'upsert';
      rows: readonly Record<string, unknown>[];
      /** Whether the caller may update this existing object (upsert); a refused row fails with `denied`. */
      mayUpdate?: (existing: ObjectRow) => Promise<boolean> | boolean;
      denied?: (existing: ObjectRow) => { path: string; code: string; message: string };
    },
    origin: WriteOrigin = {},
  ): Promise<BulkWriteResult> {
    await this.events.lock(tx);
    const type = await this.types.objectType(input.typeApiName, tx);
    const actor = currentActor();
    const now = this.clock.now();
    const uniqueNames = type.properties.filter((definition) => definition.unique && definition.apiName !== type.primaryKey).map((definition) => definition.apiName);

    // The live objects the file can meet: by primary key, and holding one of its unique values.
    const keys = new Set<string>();
    const uniqueValues = new Map<string, Set<string>>(uniqueNames.map((name) => [name, new Set()]));
    for (const row of input.rows) {
      const pk = row[type.primaryKey];
      if (pk !== undefined && pk !== null) keys.add(primaryKeyText(pk));
      for (const name of uniqueNames) if (row[name] !== undefined && row[name] !== null) uniqueValues.get(name)?.add(canonicalJson(row[name]));
    }
    const known = new Map<string, ObjectRow>();
    for (const row of await this.objects.findByPrimaryKeys(type.apiName, [...keys], tx)) known.set(row.id, row);
    for (const [name, values] of uniqueValues) {
      if (values.size === 0) continue;
      for (const row of await this.objects.findByPropertyValues(type.apiName, name, [...values].map((value) => JSON.parse(value) as unknown), tx)) known.set(row.id, row);
    }

    // In-memory state, updated as rows apply: objects by id, owners of primary keys and unique values.
    const state = new Map<string, ObjectRow & { isNew: boolean; touched: boolean }>();
    for (const row of known.values()) state.set(row.id, { ...row, isNew: false, touched: false });
    const byKey = new Map<string, string>();
    const owners = new Map<string, Map<string, string>>(uniqueNames.map((name) => [name, new Map()]));
    for (const row of state.values()) {
      byKey.set(row.primaryKeyValue, row.id);
      const properties = row.properties as Record<string, unknown>;
      for (const name of uniqueNames) if (properties[name] !== undefined && properties[name] !== null) owners.get(name)?.set(canonicalJson(properties[name]), row.id);
    }
    const uniquenessErrors = (values: Record<string, unknown>, names: readonly string[], selfId: string | null): FieldError[] => {
      const errors: FieldError[] = [];
      for (const definition of type.properties) {
        const name = definition.apiName;
        const value = values[name];
        if (!names.includes(name) || value === undefined || value === null) continue;
        if (name === type.primaryKey) {
          const owner = byKey.get(primaryKeyText(value));
          if (owner && owner !== selfId) errors.push({ path: `properties.${name}`, code: 'unique', message: `another ${type.apiName} (${owner}) has primary key ${primaryKeyText(value)}` });
        } else if (definition.unique) {
          const owner = owners.get(name)?.get(canonicalJson(value));
          if (owner && owner !== selfId) errors.push({ path: `properties.${name}`, code: 'unique', message: `another ${type.apiName} (${owner}) has this ${name}` });
        }
      }
      return errors;
    };
    const own = (id: string, before: Record<string, unknown> | null, after: Record<string, unknown>) => {
      byKey.set(primaryKeyText(after[type.primaryKey]), id);
      for (const name of uniqueNames) {
        const map = owners.get(name) as Map<string, string>;
        if (before && before[name] !== undefined && before[name] !== null && map.get(canonicalJson(before[name])) === id) map.delete(canonicalJson(before[name]));
        if (after[name] !== undefined && after[name] !== null) map.set(canonicalJson(after[name]), id);
      }
    };

    const outcomes: BulkRowOutcome[] = [];
    const history: HistoryEntryInput[] = [];
    const events: BulkEventInput[] = [];
    for (const properties of input.rows) {
      const pk = properties[type.primaryKey];
      const existingId = input.mode === 'upsert' && pk !== undefined && pk !== null ? byKey.get(primaryKeyText(pk)) : undefined;
      const existing = existingId ? state.get(existingId) : undefined;
      if (existing) {
        if (input.mayUpdate && !(await input.mayUpdate(existing))) {
          outcomes.push({ kind: 'failed', errors: [input.denied?.(existing) ?? { path: '', code: 'ontology.row_not_permitted', message: 'not permitted' }] });
          continue;
        }
        const before = existing.properties as Record<string, unknown>;
        const { values: patch, errors } = validateProperties(type.properties, properties, 'patch');
        const merged: Record<string, unknown> = { ...before };
        for (const [name, value] of Object.entries(patch)) {
          if (value === null) delete merged[name];
          else merged[name] = value;
        }
        const changed = Object.keys(patch).filter((name) => canonicalJson(before[name] ?? null) !== canonicalJson(merged[name] ?? null));
        errors.push(...missingRequired(type.properties, merged).filter((error) => changed.includes(error.path.slice('properties.'.length))));
        if (!errors.length) errors.push(...uniquenessErrors(merged, changed, existing.id));
        if (errors.length) {
          outcomes.push({ kind: 'failed', errors });
          continue;
        }
        if (!changed.length) {
          outcomes.push({ kind: 'unchanged', id: existing.id });
          continue;
        }
        const version = existing.version + 1;
        own(existing.id, before, merged);
        Object.assign(existing, {
          properties: merged,
          primaryKeyValue: primaryKeyText(merged[type.primaryKey]),
          version,
          updatedAt: now,
          updatedByType: actor.type,
          updatedById: actor.id,
          touched: true,
        });
        history.push({ objectId: existing.id, typeApiName: type.apiName, version, changeKind: 'updated', before, after: merged, changedProperties: changed, ...origin, occurredAt: now });
        events.push({
          type: 'object.changed',
          objectId: existing.id,
          payload: { version, changedProperties: changed, before: pick(before, changed), after: pick(merged, changed) },
        });
        outcomes.push({ kind: 'updated', id: existing.id });
        continue;
      }
      const { values, errors } = validateProperties(type.properties, properties, 'create');
      errors.push(...missingRequired(type.properties, values).filter((error) => !errors.some((other) => other.path === error.path)));
      if (!errors.length) errors.push(...uniquenessErrors(values, Object.keys(values), null));
      if (errors.length) {
        outcomes.push({ kind: 'failed', errors });
        continue;
      }
      const id = newId();
      const primaryKeyValue = primaryKeyText(values[type.primaryKey]);
      own(id, null, values);
      state.set(id, {
        id,
        tenantId: RequestContextStore.requireTenantId(),
        typeApiName: type.apiName,
        primaryKeyValue,
        properties: values as Prisma.JsonValue,
        version: 1,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
        createdByType: actor.type,
        createdById: actor.id,
        updatedByType: actor.type,
        updatedById: actor.id,
        isNew: true,
        touched: true,
      });
      history.push({ objectId: id, typeApiName: type.apiName, version: 1, changeKind: 'created', before: null, after: values, changedProperties: Object.keys(values), ...origin, occurredAt: now });
      events.push({ type: 'object.created', objectId: id, payload: { version: 1, primaryKeyValue, properties: values } });
      outcomes.push({ kind: 'created', id });
    }
    if (outcomes.some((outcome) => outcome.kind === 'failed')) return { outcomes, written: false };

    const touched = [...state.values()].filter((row) => row.touched);
    const created = touched.filter((row) => row.isNew);
    const updated = touched.filter((row) => !row.isNew);
    for (let offset = 0; offset < created.length; offset += CHUNK) await this.objects.insertMany(created.slice(offset, offset + CHUNK), tx);
    for (let offset = 0; offset < updated.length; offset += CHUNK) await this.objects.updateMany(updated.slice(offset, offset + CHUNK), tx);
    for (let offset = 0; offset < history.length; offset += CHUNK) await this.history.appendMany(history.slice(offset, offset + CHUNK), tx);
    for (let offset = 0; offset < events.length; offset += CHUNK) {
      await this.events.appendMany(tx, { objectTypeApiName: type.apiName, ...origin }, events.slice(offset, offset + CHUNK));
    }
    return { outcomes, written: true };
  }
}

function pick(values: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, values[name] ?? null]));
}
