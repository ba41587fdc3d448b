import type { Prisma } from '@strata/db';

/** A link as writers return it and GET /ontology/links/:id answers it. */
export interface LinkRecord {
  id: string;
  linkTypeApiName: string;
  fromObjectId: string;
  toObjectId: string;
  properties: Record<string, unknown>;
  createdAt: Date;
  deletedAt: Date | null;
  createdBy: { type: string; id: string };
}

export type LinkRow = Prisma.OntologyLinkGetPayload<object>;

export function toLinkRecord(row: LinkRow): LinkRecord {
  return {
    id: row.id,
    linkTypeApiName: row.linkTypeApiName,
    fromObjectId: row.fromObjectId,
    toObjectId: row.toObjectId,
    properties: (row.properties ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
    deletedAt: row.deletedAt,
    createdBy: { type: row.createdByType, id: row.createdById },
  };
}
