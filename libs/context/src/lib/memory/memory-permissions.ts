import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BUILT_IN_ROLES, PermissionCatalog, type PolicyRule } from '@strata/governance';

/** Long-term memories (Prisma model `AgentMemory`, so `accessibleBy` filters lists in the database). */
export const MEMORY_SUBJECT = 'AgentMemory';

/**
 * Memories are the data of the user they belong to: every role lists, adds and deletes its own
 * (`userId` = the caller); auditors read all; owners and admins already manage everything.
 * Builders and operators get no blanket read: an agent's memories of other users are not theirs.
 */
const MEMORY_WRITERS = BUILT_IN_ROLES.filter((role) => role !== 'auditor');

export const MEMORY_RULES: PolicyRule[] = [
  { roles: [...BUILT_IN_ROLES], action: 'read', subject: MEMORY_SUBJECT, conditions: { userId: '${actor.id}' } },
  { roles: MEMORY_WRITERS, action: ['create', 'delete'], subject: MEMORY_SUBJECT, conditions: { userId: '${actor.id}' } },
  // Auditors read everything and change nothing.
  { roles: ['auditor'], action: 'read', subject: MEMORY_SUBJECT },
];

@Injectable()
export class MemoryPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({ subjects: [MEMORY_SUBJECT], rules: MEMORY_RULES });
  }
}
