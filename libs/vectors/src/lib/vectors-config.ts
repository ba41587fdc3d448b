import type { StrataConfig } from '@strata/kernel';

/** The platform configuration, for this layer's providers (VectorsModule.forRoot provides it). */
export const VECTORS_CONFIG = Symbol('VECTORS_CONFIG');
export type VectorsConfig = StrataConfig;
