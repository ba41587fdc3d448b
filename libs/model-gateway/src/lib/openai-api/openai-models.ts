import type { CatalogListing } from '../gateway/gateway.contract';
import { UnknownModelError } from '../routing/routing.errors';

/** A catalog listing as OpenAI's model object; aliases are owned by Strata, models by their provider kind. */
export function toOpenAiModel(listing: CatalogListing) {
  return {
    id: listing.id,
    object: 'model' as const,
    created: Math.floor(listing.createdAt.getTime() / 1000),
    owned_by: listing.kind === 'alias' ? 'strata' : (listing.providerKind ?? 'strata'),
  };
}

/** `GET /v1/models/{model}`: the listing, or the gateway's unknown-model error naming what exists. */
export function findOpenAiModel(listings: CatalogListing[], model: string) {
  const found = listings.find((listing) => listing.id === model);
  if (found) return toOpenAiModel(found);
  throw new UnknownModelError(
    { model },
    {
      aliases: listings.filter((listing) => listing.kind === 'alias').map((listing) => listing.id),
      models: listings.filter((listing) => listing.kind === 'model').map((listing) => listing.id),
    },
  );
}
