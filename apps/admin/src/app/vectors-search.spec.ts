import { describe, expect, it } from 'vitest';
import { checkSearchDraft, documentIdsOf, emptySearchDraft, excerpt, formatScore, hitScoreDetails, parseMetadataFilter, searchBody } from './vectors-search';

describe('search playground form', () => {
  it('parses the metadata filter as a JSON object of scalars or lists', () => {
    expect(parseMetadataFilter('')).toEqual({});
    expect(parseMetadataFilter(' {"lang": "en", "year": [2023, 2024], "draft": false} ')).toEqual({ value: { lang: 'en', year: [2023, 2024], draft: false } });
    expect(parseMetadataFilter('{}')).toEqual({});
    expect(parseMetadataFilter('{lang: en}').error).toContain('Not valid JSON');
    expect(parseMetadataFilter('["en"]').error).toContain('JSON object');
    expect(parseMetadataFilter('{"nested": {"a": 1}}').error).toContain('"nested"');
    expect(parseMetadataFilter('{"empty": []}').error).toContain('"empty"');
  });

  it('checks the query, topK, weights and k', () => {
    expect(checkSearchDraft({ ...emptySearchDraft(), query: 'refunds' })).toEqual({});
    const errors = checkSearchDraft({ ...emptySearchDraft(), query: '  ', topK: '101', vectorWeight: '-1', textWeight: 'x', rrfK: '0', metadata: '[' });
    expect(Object.keys(errors).sort()).toEqual(['metadata', 'query', 'rrfK', 'textWeight', 'topK', 'vectorWeight']);
    expect(checkSearchDraft({ ...emptySearchDraft(), query: 'q', vectorWeight: '0', textWeight: '0' })['vectorWeight']).toContain('above 0');
    expect(checkSearchDraft({ ...emptySearchDraft(), query: 'q', topK: '2.5' })['topK']).toBeDefined();
  });

  it('sends weights and k only in hybrid mode, and the filter only when given', () => {
    const draft = { ...emptySearchDraft(), query: ' refund policy ', topK: '5', vectorWeight: '2', textWeight: '0.5', rrfK: '30' };
    expect(searchBody(draft, 'vector')).toEqual({ query: 'refund policy', mode: 'vector', topK: 5 });
    expect(searchBody(draft, 'text')).toEqual({ query: 'refund policy', mode: 'text', topK: 5 });
    expect(searchBody(draft, 'hybrid')).toEqual({ query: 'refund policy', mode: 'hybrid', topK: 5, weights: { vector: 2, text: 0.5 }, rrfK: 30 });
    const filtered = { ...draft, metadata: '{"lang": ["en", "de"]}', documentIds: 'a, b\nb' };
    expect(searchBody(filtered, 'text').filter).toEqual({ metadata: { lang: ['en', 'de'] }, documentIds: ['a', 'b'] });
    expect(documentIdsOf('  ')).toEqual([]);
    expect(searchBody({ ...draft, purpose: ' support ' }, 'vector').purpose).toBe('support');
  });

  it('shows each method’s score and ranks', () => {
    const hit = { scores: { vector: 0.8123456, text: 0.1, vectorRank: 1, textRank: 3 } };
    expect(hitScoreDetails(hit, 'vector')).toBe('similarity 0.8123');
    expect(hitScoreDetails(hit, 'text')).toBe('text rank 0.1000');
    expect(hitScoreDetails(hit, 'hybrid')).toBe('similarity 0.8123 · text rank 0.1000 · #1 in vector · #3 in text');
    expect(hitScoreDetails({ scores: { vector: 0.5, vectorRank: 2 } }, 'hybrid')).toBe('similarity 0.5000 · #2 in vector · not in text list');
    expect(formatScore(0.0163934)).toBe('0.0164');
    expect(formatScore(0.00001234)).toBe('1.23e-5');
    expect(formatScore(Number.NaN)).toBe('—');
  });

  it('cuts long chunks at a word boundary', () => {
    expect(excerpt('short')).toBe('short');
    const long = 'word '.repeat(200);
    const cut = excerpt(long, 50);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(51);
    expect(cut).not.toContain('wor…');
  });
});
