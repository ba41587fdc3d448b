import type { ChatResponse, ChatStreamEvent, EmbeddingRequest, EmbeddingResponse, ModelProvider, WireFormat } from '../providers/model-provider';
import { ProviderError } from '../providers/provider-error';
import { HashingEmbeddingModel, LOCAL_EMBEDDING_MODEL_ID } from './hashing-embedding-model';

/**
 * The built-in provider of kind `local`: the hashing embedding model, in process, so that the
 * platform embeds with no provider configured. It does not chat (the router turns that into its
 * "configure a model provider" error).
 */
export class LocalEmbeddingProvider implements ModelProvider {
  readonly kind = 'local' as const;
  readonly model = new HashingEmbeddingModel();

  supportsPassthrough(_format: WireFormat): boolean {
    return false;
  }

  async chat(): Promise<ChatResponse> {
    throw new ProviderError('invalid_request', 'the local model only embeds');
  }

  // eslint-disable-next-line require-yield
  async *streamChat(): AsyncIterable<ChatStreamEvent> {
    throw new ProviderError('invalid_request', 'the local model only embeds');
  }

  async embed(request: EmbeddingRequest): Promise<EmbeddingResponse> {
    if (request.model !== LOCAL_EMBEDDING_MODEL_ID) {
      throw new ProviderError('invalid_request', `local: the only local embedding model is ${LOCAL_EMBEDDING_MODEL_ID}`);
    }
    if (request.dimensions !== undefined && request.dimensions !== this.model.dimensions) {
      throw new ProviderError('invalid_request', `local: ${LOCAL_EMBEDDING_MODEL_ID} has ${this.model.dimensions} dimensions`);
    }
    request.signal?.throwIfAborted();
    let tokens = 0;
    const embeddings = request.input.map((text) => {
      const words = this.model.words(text);
      tokens += words.length; // usage counts words as tokens
      return Array.from(this.model.embedWords(words));
    });
    return { model: LOCAL_EMBEDDING_MODEL_ID, embeddings, usage: { inputTokens: tokens } };
  }
}
