export { DomainError, isDomainError, type ErrorKind, type DomainErrorOptions } from './lib/errors/domain-error';
export { MissingRequestContextError, ValidationFailedError } from './lib/errors/kernel.errors';
export { RequestContextStore, type RequestContext, type Actor } from './lib/context/request-context';
export { newId, isUuid, idTimestamp } from './lib/ids/ids';
export { CLOCK, SystemClock, ManualClock, type Clock } from './lib/clock/clock';
export { configSchema, SECRET_CONFIG_KEYS, type StrataConfig } from './lib/config/config.schema';
export { loadConfig, InvalidConfigError, type ConfigIssue } from './lib/config/load-config';
export { withSpan } from './lib/tracing/with-span';
export { parseInput } from './lib/validation/parse-input';
