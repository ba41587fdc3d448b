import { parseInput, RequestContextStore } from '@strata/kernel';
import type { SearchResponse } from '../vectors.contract';
import { searchBodySchema } from './search-request.schema';
import { SearchPurposeConflictError } from './search.errors';
import type { VectorSearchService } from './vector-search.service';

/**
 * `POST /vectors/collections/:id/search` after authentication and the `read Collection` gate: the
 * body checked, its purpose reconciled with the request's, the search run. Shared by the Nest
 * controller and the HTTP lane, so both answer alike.
 */
export function searchOverHttp(search: VectorSearchService, idOrName: string, rawBody: unknown): Promise<SearchResponse> {
  const body = parseInput(searchBodySchema, rawBody);
  // Over HTTP the purpose is the X-Strata-Purpose header (checked against the tenant's purposes
  // at authentication); a body purpose may only repeat it.
  const declared = RequestContextStore.require().purpose;
  if (body.purpose !== undefined && body.purpose !== declared) throw new SearchPurposeConflictError(body.purpose, declared);
  return search.search({ ...body, collection: idOrName });
}
