import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { Prisma } from '@strata/db';
import type { PropertyDefinition } from './property-definition';
import { checkPropertyValue } from './property-validation';

/** Which rows a property lives on: objects of a type, or links of a link type. */
export type DataOwner = { kind: 'object'; typeApiName: string } | { kind: 'link'; linkTypeApiName: string };

export interface DataFinding {
  count: number;
  /** Up to {@link SAMPLE_SIZE} ids of affected rows, to show the user. */
  sampleIds: string[];
}

const SAMPLE_SIZE = 5;
/** Values are read in batches of this many rows when checking a type change. */
const SCAN_BATCH = 5_000;

/**
 * Questions a schema change asks of the existing live data (objects or links), answered in the
 * change's transaction. Only this class and the repositories read the ontology tables for it.
 */
@Injectable()
export class SchemaDataInspector {
  async countLive(owner: DataOwner, tx: Prisma.TransactionClient): Promise<number> {
    const rows = await tx.$queryRaw<{ count: bigint }[]>`SELECT count(*)::bigint AS count FROM ${table(owner)} WHERE ${ownerFilter(owner)}`;
    return Number(rows[0]?.count ?? 0);
  }

  /** Live rows that have a value for `property`. */
  async withValue(owner: DataOwner, property: string, tx: Prisma.TransactionClient): Promise<DataFinding> {
    return this.finding(owner, Prisma.sql`properties ? ${property} AND properties -> ${property} <> 'null'::jsonb`, tx);
  }

  /** Live rows without a value for `property`. */
  async withoutValue(owner: DataOwner, property: string, tx: Prisma.TransactionClient): Promise<DataFinding> {
    return this.finding(owner, Prisma.sql`NOT (properties ? ${property} AND properties -> ${property} <> 'null'::jsonb)`, tx);
  }

  /** Live rows whose stored value is not valid under `definition` (a changed type, enum values, item type). */
  async invalidValues(owner: DataOwner, definition: PropertyDefinition, tx: Prisma.TransactionClient): Promise<DataFinding> {
    const bad: string[] = [];
    let count = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await tx.$queryRaw<{ id: string; value: unknown }[]>`
        SELECT id, properties -> ${definition.apiName} AS value FROM ${table(owner)}
        WHERE ${ownerFilter(owner)} AND properties ? ${definition.apiName} AND id > ${after}::uuid
        ORDER BY id LIMIT ${SCAN_BATCH}`;
      for (const row of rows) {
        if (row.value === null) continue;
        if (!checkPropertyValue(definition, row.value).ok) {
          count += 1;
          if (bad.length < SAMPLE_SIZE) bad.push(row.id);
        }
      }
      const last = rows.at(-1);
      if (rows.length < SCAN_BATCH || !last) break;
      after = last.id;
    }
    return { count, sampleIds: bad };
  }

  /** Values of `property` held by more than one live row. */
  async duplicateValues(owner: DataOwner, property: string, tx: Prisma.TransactionClient): Promise<{ count: number; sampleValues: unknown[] }> {
    const rows = await tx.$queryRaw<{ value: unknown; count: bigint }[]>`
      SELECT properties -> ${property} AS value, count(*)::bigint AS count FROM ${table(owner)}
      WHERE ${ownerFilter(owner)} AND properties ? ${property} AND properties -> ${property} <> 'null'::jsonb
      GROUP BY 1 HAVING count(*) > 1 LIMIT ${SAMPLE_SIZE}`;
    return { count: rows.length, sampleValues: rows.map((row) => row.value) };
  }

  /** Objects that have more than one live link of the type at the given end. */
  async linksSharingEnd(linkTypeApiName: string, end: 'from' | 'to', tx: Prisma.TransactionClient): Promise<DataFinding> {
    const column = Prisma.raw(end === 'from' ? 'from_object_id' : 'to_object_id');
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT ${column} AS id FROM ontology_link
      WHERE tenant_id = ${RequestContextStore.requireTenantId()}::uuid AND link_type_api_name = ${linkTypeApiName} AND deleted_at IS NULL
      GROUP BY 1 HAVING count(*) > 1 LIMIT ${SAMPLE_SIZE}`;
    return { count: rows.length, sampleIds: rows.map((row) => row.id) };
  }

  private async finding(owner: DataOwner, condition: Prisma.Sql, tx: Prisma.TransactionClient): Promise<DataFinding> {
    const [counted, sample] = [
      await tx.$queryRaw<{ count: bigint }[]>`SELECT count(*)::bigint AS count FROM ${table(owner)} WHERE ${ownerFilter(owner)} AND ${condition}`,
      await tx.$queryRaw<{ id: string }[]>`SELECT id FROM ${table(owner)} WHERE ${ownerFilter(owner)} AND ${condition} ORDER BY id LIMIT ${SAMPLE_SIZE}`,
    ];
    return { count: Number(counted[0]?.count ?? 0), sampleIds: sample.map((row) => row.id) };
  }
}

function table(owner: DataOwner): Prisma.Sql {
  return Prisma.raw(owner.kind === 'object' ? 'ontology_object' : 'ontology_link');
}

function ownerFilter(owner: DataOwner): Prisma.Sql {
  const tenantId = RequestContextStore.requireTenantId();
  return owner.kind === 'object'
    ? Prisma.sql`tenant_id = ${tenantId}::uuid AND type_api_name = ${owner.typeApiName} AND deleted_at IS NULL`
    : Prisma.sql`tenant_id = ${tenantId}::uuid AND link_type_api_name = ${owner.linkTypeApiName} AND deleted_at IS NULL`;
}
