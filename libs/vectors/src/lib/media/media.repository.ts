import { Injectable } from '@nestjs/common';
import { PrismaService, type MediaObjectModel as MediaObject, type Prisma } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';

type Db = Prisma.TransactionClient | PrismaService;

export interface MediaListFilter {
  limit: number;
  cursor?: string;
  contentType?: string;
  classification?: string;
  sha256?: string;
  /** Case-insensitive part of the file name. */
  filename?: string;
}

/** The only code that touches `media_object`. Every query is scoped to the request's tenant. */
@Injectable()
export class MediaRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, where: Prisma.MediaObjectWhereInput = {}, db: Db = this.prisma): Promise<MediaObject | null> {
    return db.mediaObject.findFirst({ where: { AND: [where, { id, tenantId: RequestContextStore.requireTenantId() }] } });
  }

  /** Newest first (ids are UUIDv7); `cursor`: the last id of the previous page. */
  list(filter: MediaListFilter, where: Prisma.MediaObjectWhereInput): Promise<MediaObject[]> {
    return this.prisma.mediaObject.findMany({
      where: {
        AND: [
          where,
          {
            tenantId: RequestContextStore.requireTenantId(),
            ...(filter.cursor ? { id: { lt: filter.cursor } } : {}),
            ...(filter.contentType ? { contentType: filter.contentType } : {}),
            ...(filter.classification ? { classification: filter.classification } : {}),
            ...(filter.sha256 ? { sha256: filter.sha256 } : {}),
            ...(filter.filename ? { filename: { contains: filter.filename, mode: 'insensitive' as const } } : {}),
          },
        ],
      },
      orderBy: { id: 'desc' },
      take: filter.limit,
    });
  }

  /**
   * Serialises the writers of one blob (same tenant and bytes) until the transaction ends: an upload
   * and the deletion of the last record referring to the blob never interleave.
   */
  async lockBlob(sha256: string, tx: Prisma.TransactionClient): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('strata.media_blob'), hashtext(${`${tenantId}/${sha256}`}))`;
  }

  countBySha(sha256: string, db: Db = this.prisma): Promise<number> {
    return db.mediaObject.count({ where: { tenantId: RequestContextStore.requireTenantId(), sha256 } });
  }

  /** An earlier upload of the same bytes, name and classification by the same principal (a retry). */
  findSameUpload(match: { sha256: string; filename: string; classification: string; createdByType: string; createdById: string }, tx: Prisma.TransactionClient): Promise<MediaObject | null> {
    return tx.mediaObject.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), ...match }, orderBy: { id: 'asc' } });
  }

  insert(data: Omit<Prisma.MediaObjectUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<MediaObject> {
    return tx.mediaObject.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  setCaption(id: string, caption: { text: string; model: string; at: Date }, tx: Prisma.TransactionClient): Promise<MediaObject> {
    return tx.mediaObject.update({
      where: { id, tenantId: RequestContextStore.requireTenantId() },
      data: { caption: caption.text, captionModel: caption.model, captionedAt: caption.at },
    });
  }

  async delete(id: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.mediaObject.delete({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }
}
