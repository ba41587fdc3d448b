import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/provider-error';
import { createModelProvider } from '../providers/provider-factory';
import { HashingEmbeddingModel, LOCAL_EMBEDDING_DIMENSIONS, LOCAL_EMBEDDING_MODEL_ID } from './hashing-embedding-model';

const model = new HashingEmbeddingModel();

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

describe('HashingEmbeddingModel (strata-hashing-embed-v1)', () => {
  it('is deterministic, including across instances, and pinned to known values', () => {
    const text = 'Invoices are paid within thirty days.';
    const a = model.embed(text);
    const b = new HashingEmbeddingModel().embed(text);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
    // Stored vectors must stay comparable across releases: any change to tokenisation, hashing or
    // weights shows up here and needs a new model id.
    const nonZero = Array.from(a.entries())
      .filter(([, v]) => v !== 0)
      .map(([i, v]) => `${i}:${v.toFixed(4)}`);
    expect(nonZero).toMatchSnapshot();
  });

  it('is L2-normalised; an empty or wordless text gives the zero vector', () => {
    for (const text of ['one', 'a longer sentence with several words, and punctuation!', 'Grüße aus Köln', '東京は日本の首都です']) {
      expect(Math.sqrt(cosine(model.embed(text), model.embed(text)))).toBeCloseTo(1, 5);
    }
    expect(Array.from(model.embed('')).every((x) => x === 0)).toBe(true);
    expect(Array.from(model.embed(' ... !!! ')).every((x) => x === 0)).toBe(true);
  });

  it('lower-cases and ignores punctuation', () => {
    expect(Array.from(model.embed('Hello, World!'))).toEqual(Array.from(model.embed('hello world')));
  });

  it('orders similarity by lexical overlap', () => {
    const query = model.embed('reset my account password');
    const close = model.embed('how do I reset my account password');
    const partial = model.embed('my account settings page');
    const unrelated = model.embed('the weather in lisbon is sunny today');
    expect(cosine(query, close)).toBeGreaterThan(cosine(query, partial));
    expect(cosine(query, partial)).toBeGreaterThan(cosine(query, unrelated));
    expect(cosine(query, unrelated)).toBeLessThan(0.2);
  });

  it('uses word order through bigrams', () => {
    const a = model.embed('dog bites man');
    expect(cosine(a, model.embed('dog bites man'))).toBeCloseTo(1, 6);
    expect(cosine(a, model.embed('man bites dog'))).toBeLessThan(0.99);
  });

  it('segments words beyond ASCII (Intl.Segmenter)', () => {
    expect(model.words('Grüße aus Köln')).toEqual(['grüße', 'aus', 'köln']);
    expect(model.words('東京は日本の首都です').length).toBeGreaterThan(2);
  });

  it('is fast: a thousand 100-word texts in well under a second', () => {
    const words = 'the quick brown fox jumps over the lazy dog while strata routes models'.split(' ');
    const texts = Array.from({ length: 1_000 }, (_, i) => Array.from({ length: 100 }, (_, j) => words[(i + j * 7) % words.length] + (j % 13)).join(' '));
    for (const text of texts.slice(0, 200)) model.embed(text); // JIT warm-up
    const started = performance.now();
    for (const text of texts) model.embed(text);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1_000); // ~0.1 ms per text measured; 10x margin for busy CI cores
  });
});

describe('the local provider', () => {
  const provider = createModelProvider({ kind: 'local', credentials: { type: 'none' }, timeoutMs: 1_000 });

  it('embeds with the local model, counting words as tokens', async () => {
    const result = await provider.embed({ model: LOCAL_EMBEDDING_MODEL_ID, input: ['alpha beta', 'gamma'] });
    expect(result.model).toBe(LOCAL_EMBEDDING_MODEL_ID);
    expect(result.embeddings).toHaveLength(2);
    expect(result.embeddings[0]).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
    expect(result.usage.inputTokens).toBe(3);
  });

  it('rejects other models and dimensions, and does not chat', async () => {
    await expect(provider.embed({ model: 'other', input: ['a'] })).rejects.toMatchObject({ failure: 'invalid_request' });
    await expect(provider.embed({ model: LOCAL_EMBEDDING_MODEL_ID, input: ['a'], dimensions: 12 })).rejects.toMatchObject({ failure: 'invalid_request' });
    await expect(provider.chat({ model: LOCAL_EMBEDDING_MODEL_ID, messages: [] })).rejects.toThrow(new ProviderError('invalid_request', 'the local model only embeds'));
    const stream = provider.streamChat({ model: LOCAL_EMBEDDING_MODEL_ID, messages: [] })[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toMatchObject({ failure: 'invalid_request', message: 'the local model only embeds' });
  });
});
