import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';
import { AuthorizationService } from '@strata/governance';
import type { OntologyEventView } from './ontology-event';

/** The feed: events after a cursor, in sequence order. Consumers store the last `sequence` they processed. */
@Injectable()
export class EventsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly authorization: AuthorizationService,
  ) {}

  async after(cursor: bigint, limit: number): Promise<{ items: OntologyEventView[]; nextCursor: string }> {
    const readable = (await this.authorization.accessibleWhere('read', 'OntologyEvent')) as Prisma.OntologyEventWhereInput;
    const rows = await this.prisma.ontologyEvent.findMany({
      where: { AND: [readable, { tenantId: RequestContextStore.requireTenantId(), sequence: { gt: cursor } }] },
      orderBy: { sequence: 'asc' },
      take: limit,
    });
    const items = rows.map((row) => ({
      sequence: row.sequence.toString(),
      id: row.id,
      type: row.type,
      objectTypeApiName: row.objectTypeApiName,
      objectId: row.objectId,
      linkTypeApiName: row.linkTypeApiName,
      linkId: row.linkId,
      actionId: row.actionId,
      actionTypeApiName: row.actionTypeApiName,
      actor: { type: row.actorType, id: row.actorId },
      payload: row.payload,
      occurredAt: row.occurredAt,
    }));
    return { items, nextCursor: items.at(-1)?.sequence ?? cursor.toString() };
  }
}
