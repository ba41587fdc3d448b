import type { Provider, Type } from '@nestjs/common';
import { AuditCheckpointScheduler } from './audit-checkpoint-scheduler';
import { AuditCheckpoints } from './audit-checkpoints.service';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { AuditController } from './audit.controller';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditExport } from './audit-export.service';
import { AuditLog } from './audit-log.service';
import { AUDIT_OPTIONS, type AuditOptions } from './audit-options';
import { AuditQuery } from './audit-query.service';
import { AuditKeyRing, AuditSigningKey } from './audit-signing-key';
import { AuditVerifier } from './audit-verifier';

/**
 * The audit log's providers. The module that uses them also provides {@link AUDIT_OPTIONS}
 * (`auditOptionsFromConfig(config)`), `CLOCK`, `PrismaService` and, for the controller,
 * `AuthorizationService`.
 */
export const AUDIT_PROVIDERS: Provider[] = [
  AuditEntriesRepository,
  AuditCheckpointsRepository,
  {
    provide: AuditSigningKey,
    inject: [AUDIT_OPTIONS],
    useFactory: (options: AuditOptions) => AuditSigningKey.load(options),
  },
  { provide: AuditKeyRing, inject: [AuditSigningKey], useFactory: (key: AuditSigningKey) => key.ring },
  AuditLog,
  AuditCheckpoints,
  AuditCheckpointScheduler,
  AuditVerifier,
  AuditQuery,
  AuditExport,
];

export const AUDIT_CONTROLLERS: Type[] = [AuditController];
