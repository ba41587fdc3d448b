import { Injectable } from '@nestjs/common';
import { ModelGateway } from '@strata/model-gateway';
import { DimensionMismatchError } from './collections.errors';

/** The text embedded to learn an alias's dimensions (a few tokens: cheap on any provider). */
const PROBE_TEXT = 'dimension probe';

/**
 * Checks, before anything is written, that an embedding alias returns vectors of the dimensions a
 * collection declares, by embedding a probe through the gateway (routing, budgets and usage
 * apply as to any call). Gateway errors (unknown alias, no provider) pass through as they are.
 */
@Injectable()
export class EmbeddingProbe {
  constructor(private readonly gateway: ModelGateway) {}

  async dimensionsOf(alias: string): Promise<number> {
    const { response } = await this.gateway.embed({ model: alias, input: [PROBE_TEXT] });
    const vector = response.embeddings[0];
    if (!vector) throw new DimensionMismatchError(alias, 0, 0);
    return vector.length;
  }

  async expectDimensions(alias: string, dimensions: number): Promise<void> {
    const actual = await this.dimensionsOf(alias);
    if (actual !== dimensions) throw new DimensionMismatchError(alias, dimensions, actual);
  }
}
