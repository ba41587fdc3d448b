import type { Provider, Type } from '@nestjs/common';
import { TraceQuery } from './trace-query.service';
import { TracesController } from './traces.controller';
import { TracesRepository } from './traces.repository';

/** The trace API's providers. The module also needs `CLOCK`, `PrismaService` and `OBSERVABILITY_ACCESS` (governance provides it). */
export const TRACE_API_PROVIDERS: Provider[] = [TracesRepository, TraceQuery];

export const TRACE_API_CONTROLLERS: Type[] = [TracesController];
