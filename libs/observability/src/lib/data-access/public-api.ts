/** The data-access log's part of the layer's public API, re-exported by `src/index.ts` in one line. */
export { DATA_ACCESS_CONTROLLERS, DATA_ACCESS_PROVIDERS } from './data-access.providers';
export { DataAccessLog, DATA_ACCESS_LIMITS, type DataAccess, type DataAccessInStatement, type RecordedDataAccess } from './data-access-log.service';
export { DataAccessQuery } from './data-access-query.service';
export type { DataAccessPage, DataAccessRecordDto } from './data-access.dto';
export { DataAccessTooLargeError, InvalidDataAccessError } from './data-access.errors';
