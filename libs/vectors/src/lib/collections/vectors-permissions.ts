import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionCatalog, type PolicyRule } from '@strata/governance';

export const COLLECTION_SUBJECT = 'Collection';
export const DOCUMENT_SUBJECT = 'VectorDocument';

/**
 * The role the ingestion worker's system actor holds: it reads the media objects that documents
 * were queued from (the request that queued them was authorized to read them), nothing else.
 */
export const INGESTION_WORKER_ROLE = 'vector-ingestion';

/**
 * Built-in grants: builders manage collections and documents; operators read collections and add,
 * re-ingest and remove documents; viewers and auditors read. Owners and admins manage everything.
 * Which collections a role may read is narrowed further by each collection's `readerRoles`
 * (collection-readers.ts).
 */
export const VECTORS_COLLECTION_RULES: PolicyRule[] = [
  { roles: ['builder'], action: 'manage', subject: [COLLECTION_SUBJECT, DOCUMENT_SUBJECT] },
  { roles: ['operator'], action: 'read', subject: [COLLECTION_SUBJECT, DOCUMENT_SUBJECT] },
  { roles: ['operator'], action: ['create', 'update', 'delete'], subject: DOCUMENT_SUBJECT },
  { roles: ['viewer', 'auditor'], action: 'read', subject: [COLLECTION_SUBJECT, DOCUMENT_SUBJECT] },
  { roles: [INGESTION_WORKER_ROLE], action: 'read', subject: 'MediaObject' },
];

@Injectable()
export class VectorsCollectionPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    // Collection carries a classification: confidential and restricted ones need a declared purpose.
    this.catalog.register({ subjects: [COLLECTION_SUBJECT, DOCUMENT_SUBJECT], classifiedSubjects: [COLLECTION_SUBJECT], rules: VECTORS_COLLECTION_RULES });
  }
}
