declare const __STRATA_VERSION__: string | undefined;

/** The platform version, injected at build time from the root package.json. */
export const STRATA_VERSION: string = typeof __STRATA_VERSION__ === 'string' ? __STRATA_VERSION__ : '0.0.0-dev';
