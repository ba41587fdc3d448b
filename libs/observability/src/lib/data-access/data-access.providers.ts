import type { Provider, Type } from '@nestjs/common';
import { DataAccessController } from './data-access.controller';
import { DataAccessLog } from './data-access-log.service';
import { DataAccessQuery } from './data-access-query.service';
import { DataAccessRepository } from './data-access.repository';

/**
 * The data-access log's providers; export `DataAccessLog` from the module for the layers that
 * record reads. The module also needs `CLOCK`, `PrismaService` and `OBSERVABILITY_ACCESS`.
 */
export const DATA_ACCESS_PROVIDERS: Provider[] = [DataAccessRepository, DataAccessLog, DataAccessQuery];

export const DATA_ACCESS_CONTROLLERS: Type[] = [DataAccessController];
