/** Injection token for the validated {@link StrataConfig}. */
export const STRATA_CONFIG = Symbol.for('strata.api.Config');
