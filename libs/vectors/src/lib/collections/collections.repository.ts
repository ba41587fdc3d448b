import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';

export type CollectionRow = NonNullable<Awaited<ReturnType<CollectionsRepository['find']>>>;

/** The only code that reads and writes `vector_collection` (tenant from the request context). */
@Injectable()
export class CollectionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, client: Prisma.TransactionClient = this.prisma) {
    return client.vectorCollection.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  findByName(name: string, client: Prisma.TransactionClient = this.prisma) {
    return client.vectorCollection.findFirst({ where: { name, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.VectorCollectionWhereInput, limit: number, cursor?: string) {
    return this.prisma.vectorCollection.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Locks the row for the rest of the transaction (PATCH compares the version under the lock). */
  async lock(id: string, tx: Prisma.TransactionClient): Promise<CollectionRow | null> {
    const tenantId = RequestContextStore.requireTenantId();
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM vector_collection WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    return rows.length ? this.find(id, tx) : null;
  }

  documentCount(id: string, client: Prisma.TransactionClient = this.prisma): Promise<number> {
    return client.vectorDocument.count({ where: { collectionId: id, tenantId: RequestContextStore.requireTenantId() } });
  }

  create(data: Omit<Prisma.VectorCollectionUncheckedCreateInput, 'id' | 'tenantId'>, tx: Prisma.TransactionClient) {
    return tx.vectorCollection.create({ data: { ...data, id: newId(), tenantId: RequestContextStore.requireTenantId() } });
  }

  update(id: string, data: Prisma.VectorCollectionUncheckedUpdateInput, tx: Prisma.TransactionClient) {
    return tx.vectorCollection.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  /** Keeps the chunks' copy of the metric and their text vectors in step with the collection. */
  async restampChunks(id: string, change: { metric?: string; textSearchConfig?: string }, tx: Prisma.TransactionClient): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    if (change.metric) await tx.$executeRaw`UPDATE vector_chunk SET metric = ${change.metric} WHERE tenant_id = ${tenantId}::uuid AND collection_id = ${id}::uuid`;
    if (change.textSearchConfig) {
      await tx.$executeRaw`UPDATE vector_chunk SET search_vector = to_tsvector(${change.textSearchConfig}::regconfig, coalesce(heading, '') || ' ' || text)
        WHERE tenant_id = ${tenantId}::uuid AND collection_id = ${id}::uuid`;
    }
  }

  /** Deletes the collection; its documents, chunks and jobs go with it (foreign keys cascade). */
  async delete(id: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.vectorCollection.delete({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  async textSearchConfigExists(name: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ found: number }>>`SELECT 1 AS found FROM pg_ts_config WHERE cfgname = ${name}`;
    return rows.length > 0;
  }
}
