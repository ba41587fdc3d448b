import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';

export type DocumentRow = NonNullable<Awaited<ReturnType<DocumentsRepository['find']>>>;

/** Everything but the (possibly large) inline text: what views and lists read. */
const WITHOUT_SOURCE = {
  id: true,
  tenantId: true,
  collectionId: true,
  name: true,
  format: true,
  mediaId: true,
  contentSha256: true,
  status: true,
  chunksTotal: true,
  chunksEmbedded: true,
  errorCode: true,
  errorMessage: true,
  metadata: true,
  createdByType: true,
  createdById: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.VectorDocumentSelect;

/** The only code that reads and writes `vector_document` (tenant from the request context). */
@Injectable()
export class DocumentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, client: Prisma.TransactionClient = this.prisma) {
    return client.vectorDocument.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() }, select: WITHOUT_SOURCE });
  }

  findByContent(collectionId: string, contentSha256: string, client: Prisma.TransactionClient = this.prisma) {
    return client.vectorDocument.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), collectionId, contentSha256 }, select: WITHOUT_SOURCE });
  }

  /** The inline text of a document (the worker's input), or null for media documents. */
  async sourceText(id: string): Promise<string | null> {
    const row = await this.prisma.vectorDocument.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() }, select: { sourceText: true } });
    return row?.sourceText ?? null;
  }

  list(collectionId: string, where: Prisma.VectorDocumentWhereInput, limit: number, cursor?: string, status?: string) {
    return this.prisma.vectorDocument.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId(), collectionId }, status ? { status } : {}, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
      select: WITHOUT_SOURCE,
    });
  }

  create(data: Omit<Prisma.VectorDocumentUncheckedCreateInput, 'id' | 'tenantId'>, tx: Prisma.TransactionClient) {
    return tx.vectorDocument.create({ data: { ...data, id: newId(), tenantId: RequestContextStore.requireTenantId() }, select: WITHOUT_SOURCE });
  }

  update(id: string, data: Prisma.VectorDocumentUncheckedUpdateInput, tx: Prisma.TransactionClient) {
    return tx.vectorDocument.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data, select: WITHOUT_SOURCE });
  }

  /** Progress and status written by the worker; no row (deleted meanwhile) is not an error. */
  async setProgress(id: string, data: Prisma.VectorDocumentUncheckedUpdateManyInput, client: Prisma.TransactionClient = this.prisma): Promise<void> {
    await client.vectorDocument.updateMany({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  /** Deletes the document with its chunks and jobs (explicitly, then the row). */
  async delete(id: string, tx: Prisma.TransactionClient): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    await tx.$executeRaw`DELETE FROM vector_chunk WHERE tenant_id = ${tenantId}::uuid AND document_id = ${id}::uuid`;
    await tx.vectorIngestionJob.deleteMany({ where: { tenantId, documentId: id } });
    await tx.vectorDocument.delete({ where: { id, tenantId } });
  }

  chunkCount(id: string): Promise<number> {
    return this.prisma.vectorChunk.count({ where: { tenantId: RequestContextStore.requireTenantId(), documentId: id } });
  }
}
