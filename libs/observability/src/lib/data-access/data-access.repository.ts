import { Injectable } from '@nestjs/common';
import { PrismaService, type DataAccessRecordModel, type Prisma } from '@strata/db';

export type DataAccessRow = DataAccessRecordModel;

/** The only code that touches `data_access_record`. Rows are written once and never updated. */
@Injectable()
export class DataAccessRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts in the caller's transaction when given (the record commits or rolls back with the read). */
  async insert(rows: DataAccessRow[], tx?: Prisma.TransactionClient): Promise<void> {
    await (tx ?? this.prisma).dataAccessRecord.createMany({ data: rows });
  }

  /** Keyset page, newest first: (occurredAt, id) only decreases along the pages. */
  page(where: Prisma.DataAccessRecordWhereInput, limit: number): Promise<DataAccessRow[]> {
    return this.prisma.dataAccessRecord.findMany({ where, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take: limit });
  }
}
