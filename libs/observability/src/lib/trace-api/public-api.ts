/** The trace API's part of the layer's public API, re-exported by `src/index.ts` in one line. */
export { TRACE_API_CONTROLLERS, TRACE_API_PROVIDERS } from './trace-api.providers';
export { TraceQuery } from './trace-query.service';
export { TracesRepository } from './traces.repository';
export { TRACE_PAGE_MAX, TRACE_RANGE_MAX_MS, TRACE_TREE_MAX_SPANS } from './trace-query.schema';
export type { SpanNodeDto, TracePage, TraceStatus, TraceSummaryDto, TraceTreeDto } from './trace.dto';
export { InvalidCursorError, InvalidTraceRangeError, TraceNotFoundError } from './trace-api.errors';
