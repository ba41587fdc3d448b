import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';
import type { LinkRow } from './link-record';

type Db = Prisma.TransactionClient | PrismaService;

/** The only code that touches `ontology_link`. */
@Injectable()
export class LinksRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, db: Db = this.prisma, where: Prisma.OntologyLinkWhereInput = {}): Promise<LinkRow | null> {
    return db.ontologyLink.findFirst({ where: { AND: [where, { id, tenantId: RequestContextStore.requireTenantId(), deletedAt: null }] } });
  }

  findLive(where: Prisma.OntologyLinkWhereInput, db: Db = this.prisma, take = 1): Promise<LinkRow[]> {
    return db.ontologyLink.findMany({ where: { AND: [where, { tenantId: RequestContextStore.requireTenantId(), deletedAt: null }] }, take });
  }

  /** Deleted links matching `where` whose deletion time is exactly `deletedAt`, at most `take`. */
  deletedAt(where: Prisma.OntologyLinkWhereInput, deletedAt: Date, db: Db, take: number): Promise<LinkRow[]> {
    return db.ontologyLink.findMany({ where: { AND: [where, { tenantId: RequestContextStore.requireTenantId(), deletedAt }] }, orderBy: { id: 'asc' }, take });
  }

  insert(data: Omit<Prisma.OntologyLinkUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<LinkRow> {
    return tx.ontologyLink.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  markDeleted(id: string, by: { type: string; id: string }, at: Date, tx: Prisma.TransactionClient): Promise<LinkRow> {
    return tx.ontologyLink.update({
      where: { id, tenantId: RequestContextStore.requireTenantId() },
      data: { deletedAt: at, deletedByType: by.type, deletedById: by.id },
    });
  }

  /** Live links touching an object (either end), newest first, at most `limit`. */
  touching(objectId: string, where: Prisma.OntologyLinkWhereInput, limit: number, db: Db = this.prisma): Promise<LinkRow[]> {
    return db.ontologyLink.findMany({
      where: {
        AND: [where, { tenantId: RequestContextStore.requireTenantId(), deletedAt: null, OR: [{ fromObjectId: objectId }, { toObjectId: objectId }] }],
      },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }
}
