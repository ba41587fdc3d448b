import murmurhash from 'murmurhash';

export const LOCAL_EMBEDDING_MODEL_ID = 'strata-hashing-embed-v1';
export const LOCAL_EMBEDDING_DIMENSIONS = 384;
/** Fixed forever for `strata-hashing-embed-v1`: changing it changes every vector. */
const HASH_SEED = 0x5f3759df;
const BIGRAM_WEIGHT = 0.5;

/**
 * A deterministic, offline embedding: feature hashing ("the hashing trick") of lower-cased word
 * unigrams and bigrams into 384 signed buckets, L2-normalised. Words come from Intl.Segmenter
 * (Unicode word boundaries, so it works beyond English); each feature is hashed with MurmurHash3
 * (x86, 32-bit) and the hash's top bit gives the sign, which keeps collisions unbiased.
 *
 * It is lexical, not semantic: texts that share words (and word pairs) come out close; synonyms and
 * paraphrases do not. The same text always gives the same vector on every machine, so vectors can
 * be stored and compared across restarts. An empty text (no words) gives the zero vector.
 */
export class HashingEmbeddingModel {
  readonly modelId = LOCAL_EMBEDDING_MODEL_ID;
  readonly dimensions = LOCAL_EMBEDDING_DIMENSIONS;
  private readonly segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  private readonly encoder = new TextEncoder();
  /** UTF-8 scratch space: hashing encoded bytes in place is ~6x faster than the package's per-call string encoding. */
  private scratch = new Uint8Array(1024);

  /** The lower-cased words of a text (punctuation and spaces dropped). */
  words(text: string): string[] {
    const words: string[] = [];
    for (const segment of this.segmenter.segment(text.normalize('NFKC').toLowerCase())) {
      if (segment.isWordLike) words.push(segment.segment);
    }
    return words;
  }

  embed(text: string): Float32Array {
    return this.embedWords(this.words(text));
  }

  /** The embedding of already segmented words (see {@link words}). */
  embedWords(words: string[]): Float32Array {
    const vector = new Float32Array(this.dimensions);
    for (let i = 0; i < words.length; i++) {
      this.add(vector, `w:${words[i]}`, 1);
      if (i > 0) this.add(vector, `b:${words[i - 1]} ${words[i]}`, BIGRAM_WEIGHT);
    }
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < vector.length; i++) vector[i] *= scale;
    }
    return vector;
  }

  private add(vector: Float32Array, feature: string, weight: number): void {
    if (feature.length * 3 > this.scratch.length) this.scratch = new Uint8Array(feature.length * 3);
    const { written } = this.encoder.encodeInto(feature, this.scratch);
    const hash = murmurhash.v3(this.scratch.subarray(0, written), HASH_SEED);
    const index = (hash & 0x7fffffff) % this.dimensions;
    vector[index] += hash & 0x80000000 ? -weight : weight;
  }
}
