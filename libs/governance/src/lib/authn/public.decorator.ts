import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'strata:public';

/** Marks a route (or controller) reachable without credentials: health probes, status, docs. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
