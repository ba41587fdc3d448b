import { Injectable } from '@nestjs/common';
import { newId } from '@strata/kernel';
import { PrismaService } from './prisma.service';

export interface PlatformInstanceInfo {
  id: string;
  createdByVersion: string;
  createdAt: Date;
  lastStartedVersion: string;
  lastStartedAt: Date;
  /** True when this start created the database's instance record (a fresh database). */
  firstStart: boolean;
}

/** The database's record of this installation: created by the first start, touched by each later one. */
@Injectable()
export class PlatformInstanceService {
  constructor(private readonly prisma: PrismaService) {}

  async recordStart(version: string): Promise<PlatformInstanceInfo> {
    return this.prisma.$transaction(async (tx) => {
      // Serialises concurrent first starts on a server, so exactly one creates the record.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('strata.platform_instance'))`;
      const existing = await tx.platformInstance.findFirst();
      if (existing) {
        const row = await tx.platformInstance.update({
          where: { id: existing.id },
          data: { lastStartBy: version, lastStartAt: new Date() },
        });
        return toInfo(row, false);
      }
      const row = await tx.platformInstance.create({
        data: { id: newId(), createdBy: version, lastStartBy: version },
      });
      return toInfo(row, true);
    });
  }

  async get(): Promise<Omit<PlatformInstanceInfo, 'firstStart'> | null> {
    const row = await this.prisma.platformInstance.findFirst();
    return row ? toInfo(row, false) : null;
  }
}

function toInfo(
  row: { id: string; createdBy: string; createdAt: Date; lastStartBy: string; lastStartAt: Date },
  firstStart: boolean,
): PlatformInstanceInfo {
  return {
    id: row.id,
    createdByVersion: row.createdBy,
    createdAt: row.createdAt,
    lastStartedVersion: row.lastStartBy,
    lastStartedAt: row.lastStartAt,
    firstStart,
  };
}
