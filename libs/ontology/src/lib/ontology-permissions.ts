import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionCatalog, type PolicyRule } from '@strata/governance';

/** The records of this layer that rules name (Prisma model names, so `accessibleBy` filters them in the database). */
export const ONTOLOGY_SUBJECTS = ['OntologyObjectType', 'OntologyLinkType', 'OntologyObject', 'OntologyLink', 'OntologyEvent'] as const;

/**
 * Built-in grants: builders shape the schema and manage data; operators create and change objects
 * and links; viewers and auditors read. Owners and admins already manage everything.
 */
export const ONTOLOGY_RULES: PolicyRule[] = [
  { roles: ['builder'], action: 'manage', subject: ['OntologyObjectType', 'OntologyLinkType', 'OntologyObject', 'OntologyLink'] },
  { roles: ['builder'], action: 'read', subject: 'OntologyEvent' },
  { roles: ['operator'], action: 'read', subject: [...ONTOLOGY_SUBJECTS] },
  { roles: ['operator'], action: ['create', 'update'], subject: 'OntologyObject' },
  { roles: ['operator'], action: ['create', 'delete'], subject: 'OntologyLink' },
  { roles: ['viewer', 'auditor'], action: 'read', subject: [...ONTOLOGY_SUBJECTS] },
];

@Injectable()
export class OntologyPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({ subjects: [...ONTOLOGY_SUBJECTS], rules: ONTOLOGY_RULES });
  }
}
