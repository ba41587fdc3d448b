import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

type Db = Prisma.TransactionClient | PrismaService;

export interface WorkingMemoryEntry {
  key: string;
  value: unknown;
  updatedAt: Date;
}

/** The only code that touches `agent_working_memory`. */
@Injectable()
export class WorkingMemoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async entries(sessionId: string, db: Db = this.prisma): Promise<WorkingMemoryEntry[]> {
    const rows = await db.agentWorkingMemory.findMany({ where: { tenantId: RequestContextStore.requireTenantId(), sessionId }, orderBy: { key: 'asc' } });
    return rows.map((row) => ({ key: row.key, value: row.value, updatedAt: row.updatedAt }));
  }

  async set(sessionId: string, key: string, value: Prisma.InputJsonValue, at: Date, db: Db): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    await db.agentWorkingMemory.upsert({
      where: { tenantId_sessionId_key: { tenantId, sessionId, key } },
      create: { tenantId, sessionId, key, value, updatedAt: at },
      update: { value, updatedAt: at },
    });
  }

  async delete(sessionId: string, key: string, db: Db): Promise<number> {
    const result = await db.agentWorkingMemory.deleteMany({ where: { tenantId: RequestContextStore.requireTenantId(), sessionId, key } });
    return result.count;
  }
}
