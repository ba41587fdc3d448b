import { Injectable } from '@nestjs/common';
import { isUuid, withSpan } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { currentActor, OntologyEvents } from '../events/ontology-events';
import { SCHEMA_LIMITS, type LinkTypeRecord, type ObjectTypeRecord, type SchemaChange, type SchemaSnapshot } from './property-definition';
import type { SchemaValidationReport } from './schema-change-report';
import { SchemaChangePlanner, type PlannedSchema } from './schema-change-planner';
import { SchemaChangeRejectedError, SchemaVersionNotFoundError, UnknownLinkTypeError, UnknownObjectTypeError } from './schema.errors';
import { SchemaRepository } from './schema.repository';

/** A schema change may scan every object of a type (checks against the data). */
export const SCHEMA_CHANGE_LIMITS = { transactionTimeoutMs: 60_000, lockWaitMs: 30_000 } as const;

export interface AppliedSchemaChange {
  version: number;
  report: SchemaValidationReport;
}

/**
 * Object and link types, changed only through versioned schema changes: each list of changes is
 * checked against the schema and the data (see {@link SchemaChangePlanner}), applied in one
 * transaction as a new schema version whose snapshot is kept, audited, and announced on the event
 * feed (`schema.changed`).
 */
@Injectable()
export class SchemaService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly schema: SchemaRepository,
    private readonly planner: SchemaChangePlanner,
    private readonly events: OntologyEvents,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async listObjectTypes(): Promise<ObjectTypeRecord[]> {
    return this.schema.objectTypes(undefined, (await this.authorization.accessibleWhere('read', 'OntologyObjectType')) as Prisma.OntologyObjectTypeWhereInput);
  }

  async listLinkTypes(): Promise<LinkTypeRecord[]> {
    return this.schema.linkTypes(undefined, (await this.authorization.accessibleWhere('read', 'OntologyLinkType')) as Prisma.OntologyLinkTypeWhereInput);
  }

  /** By id or apiName. */
  async objectType(idOrApiName: string): Promise<ObjectTypeRecord> {
    const type = isUuid(idOrApiName) ? await this.schema.objectTypeById(idOrApiName) : await this.schema.objectType(idOrApiName);
    if (!type) throw new UnknownObjectTypeError(idOrApiName.slice(0, 64));
    await this.authorization.authorize('read', 'OntologyObjectType', { ...type });
    return type;
  }

  async linkType(idOrApiName: string): Promise<LinkTypeRecord> {
    const type = isUuid(idOrApiName) ? await this.schema.linkTypeById(idOrApiName) : await this.schema.linkType(idOrApiName);
    if (!type) throw new UnknownLinkTypeError(idOrApiName.slice(0, 64));
    await this.authorization.authorize('read', 'OntologyLinkType', { ...type });
    return type;
  }

  /** The dry run: what the changes would do, nothing written. */
  async validate(changes: SchemaChange[]): Promise<SchemaValidationReport> {
    await this.authorization.gate('read', 'OntologyObjectType');
    return withSpan('ontology.schema.validate', {}, () =>
      this.prisma.$transaction(async (tx) => (await this.planner.plan(await this.current(tx), changes, tx)).report, { timeout: SCHEMA_CHANGE_LIMITS.transactionTimeoutMs }),
    );
  }

  /** Applies the changes as one new schema version, or refuses them all (409 `ontology.schema_change_rejected` with the report). */
  async apply(changes: SchemaChange[], summary?: string): Promise<AppliedSchemaChange> {
    for (const change of changes) await this.authorizeChange(change);
    return this.mutations.run(
      'ontology.schema.change',
      async (tx) => {
      // The event-head lock orders this change with every object and link write of the tenant.
      await this.events.lock(tx, SCHEMA_CHANGE_LIMITS.lockWaitMs);
      const current = await this.current(tx);
      const { report, planned } = await this.planner.plan(current, changes, tx);
      if (!report.valid) {
        const blocking = report.changes.flatMap((change) => change.findings.filter((finding) => finding.severity !== 'info'));
        throw new SchemaChangeRejectedError(report, `The schema change was refused: ${blocking.map((finding) => finding.message).join(' ')}`.slice(0, 2_000));
      }
      const version = current.version + 1;
      await this.write(current, planned, version, tx);
      const text = summary ?? report.changes.map((change) => `${change.kind} ${change.target}`).join('; ');
      await this.schema.recordVersion({ version, snapshot: snapshotOf(planned), changes: { changes, report: report.changes }, summary: text, actor: currentActor() }, tx);
      await this.events.append(tx, { type: 'schema.changed', payload: { version, changes: report.changes.map(({ kind, target }) => ({ kind, target })) } });
      await this.audit.append(
        {
          action: 'ontology.schema.change',
          outcome: 'success',
          target: { type: 'OntologySchemaVersion', id: String(version) },
          details: { version, changes: report.changes.map(({ kind, target }) => ({ kind, target })) },
        },
        tx,
      );
      return { version, report };
      },
      { timeoutMs: SCHEMA_CHANGE_LIMITS.transactionTimeoutMs },
    );
  }

  async versions(limit: number, before?: number) {
    await this.authorization.gate('read', 'OntologyObjectType');
    const rows = await this.schema.versions(limit, before);
    return { items: rows, nextBefore: rows.length === limit ? (rows.at(-1)?.version ?? null) : null };
  }

  async version(version: number) {
    await this.authorization.gate('read', 'OntologyObjectType');
    // Beyond the int4 column (`/schema/versions/99999999999`) nothing is stored, and Prisma would throw.
    const row = version <= SCHEMA_LIMITS.versionMax ? await this.schema.version(version) : null;
    if (!row) throw new SchemaVersionNotFoundError(version);
    return row;
  }

  private async current(tx: Prisma.TransactionClient) {
    const [version, objectTypes, linkTypes] = [await this.schema.currentVersion(tx), await this.schema.objectTypes(tx), await this.schema.linkTypes(tx)];
    return { version, objectTypes, linkTypes };
  }

  private async authorizeChange(change: SchemaChange): Promise<void> {
    switch (change.kind) {
      case 'create_object_type':
        return this.authorization.authorize('create', 'OntologyObjectType', { apiName: change.objectType.apiName });
      case 'update_object_type':
        return this.authorization.authorize('update', 'OntologyObjectType', { ...(await this.schema.objectType(change.apiName)), apiName: change.apiName });
      case 'delete_object_type':
        return this.authorization.authorize('delete', 'OntologyObjectType', { ...(await this.schema.objectType(change.apiName)), apiName: change.apiName });
      case 'create_link_type':
        return this.authorization.authorize('create', 'OntologyLinkType', { apiName: change.linkType.apiName });
      case 'update_link_type':
        return this.authorization.authorize('update', 'OntologyLinkType', { ...(await this.schema.linkType(change.apiName)), apiName: change.apiName });
      case 'delete_link_type':
        return this.authorization.authorize('delete', 'OntologyLinkType', { ...(await this.schema.linkType(change.apiName)), apiName: change.apiName });
    }
  }

  /** Writes the difference between the current types and the planned ones. */
  private async write(
    current: { objectTypes: ObjectTypeRecord[]; linkTypes: LinkTypeRecord[] },
    planned: PlannedSchema,
    version: number,
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    const oldObjects = new Map(current.objectTypes.map((type) => [type.apiName, type]));
    const oldLinks = new Map(current.linkTypes.map((type) => [type.apiName, type]));
    for (const type of current.linkTypes) if (!planned.linkTypes.has(type.apiName)) await this.schema.deleteLinkType(type.apiName, tx);
    for (const type of current.objectTypes) if (!planned.objectTypes.has(type.apiName)) await this.schema.deleteObjectType(type.apiName, tx);
    for (const type of planned.objectTypes.values()) {
      const old = oldObjects.get(type.apiName);
      if (!old) {
        type.schemaVersion = version;
        await this.schema.createObjectType(type, version, tx);
      } else if (JSON.stringify(definitionOf(old)) !== JSON.stringify(definitionOf(type))) {
        type.schemaVersion = version;
        await this.schema.updateObjectType(type, version, tx);
      }
    }
    for (const type of planned.linkTypes.values()) {
      const old = oldLinks.get(type.apiName);
      if (!old) {
        type.schemaVersion = version;
        await this.schema.createLinkType(type, version, tx);
      } else if (JSON.stringify(definitionOf(old)) !== JSON.stringify(definitionOf(type))) {
        type.schemaVersion = version;
        await this.schema.updateLinkType(type, version, tx);
      }
    }
  }
}

function definitionOf<T extends { id: string; createdAt: Date; updatedAt: Date; schemaVersion: number }>(type: T) {
  const { id, createdAt, updatedAt, schemaVersion, ...rest } = type;
  void id;
  void createdAt;
  void updatedAt;
  void schemaVersion;
  return rest;
}

function snapshotOf(planned: PlannedSchema): SchemaSnapshot {
  return {
    objectTypes: [...planned.objectTypes.values()].map((type) => ({ ...definitionOf(type), schemaVersion: type.schemaVersion })),
    linkTypes: [...planned.linkTypes.values()].map((type) => ({ ...definitionOf(type), schemaVersion: type.schemaVersion })),
  };
}

