import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { ObjectsRepository } from '../objects/objects.repository';
import { toLinkRecord, type LinkRecord } from './link-record';
import { LinkWriter } from './link-writer';
import { LinkEndpointInvalidError, LinkNotFoundError } from './links.errors';
import { LinksRepository } from './links.repository';

/** Links through the API: reads filtered by abilities, changes authorized and audited. */
@Injectable()
export class LinksService {
  constructor(
    private readonly links: LinksRepository,
    private readonly objects: ObjectsRepository,
    private readonly writer: LinkWriter,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async get(id: string): Promise<LinkRecord> {
    const row = await this.links.find(id, undefined, (await this.authorization.accessibleWhere('read', 'OntologyLink')) as Prisma.OntologyLinkWhereInput);
    if (!row) throw new LinkNotFoundError(id);
    return toLinkRecord(row);
  }

  async create(input: { linkTypeApiName: string; fromId: string; toId: string; properties?: Record<string, unknown> }): Promise<LinkRecord> {
    await this.authorization.authorize('create', 'OntologyLink', { linkTypeApiName: input.linkTypeApiName, fromObjectId: input.fromId, toObjectId: input.toId });
    // Both ends must be objects the caller may read: linking to an invisible object would reveal it exists.
    const readable = (await this.authorization.accessibleWhere('read', 'OntologyObject')) as Prisma.OntologyObjectWhereInput;
    const visible = new Set((await this.objects.findMany([input.fromId, input.toId], undefined, readable)).map((row) => row.id));
    const missing = (
      [
        ['fromId', input.fromId],
        ['toId', input.toId],
      ] as const
    ).filter(([, id]) => !visible.has(id));
    if (missing.length) {
      throw new LinkEndpointInvalidError(missing.map(([path, id]) => ({ path, code: 'invalid_value' as const, message: `no live object with id ${id.slice(0, 64)}` })));
    }
    return this.mutations.run('ontology.link.create', async (tx) => {
      const created = (await this.writer.create(tx, input)).after as LinkRecord;
      await this.audit.append(
        {
          action: 'ontology.link.create',
          outcome: 'success',
          target: { type: 'OntologyLink', id: created.id },
          details: { linkTypeApiName: created.linkTypeApiName, fromObjectId: created.fromObjectId, toObjectId: created.toObjectId },
        },
        tx,
      );
      return created;
    });
  }

  async delete(id: string): Promise<void> {
    const link = await this.get(id);
    await this.authorization.authorize('delete', 'OntologyLink', { ...link });
    await this.mutations.run('ontology.link.delete', async (tx) => {
      await this.writer.delete(tx, { id });
      await this.audit.append(
        { action: 'ontology.link.delete', outcome: 'success', target: { type: 'OntologyLink', id }, details: { linkTypeApiName: link.linkTypeApiName } },
        tx,
      );
    });
  }
}
