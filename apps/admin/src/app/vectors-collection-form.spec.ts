import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import type { Collection } from '../api/vectors';
import { checkCollectionDraft, collectionBody, collectionChanges, collectionIssues, draftOf, emptyCollectionDraft, fieldOfPath } from './vectors-collection-form';

const collection: Collection = {
  id: 'c1',
  name: 'handbook',
  description: 'HR handbook',
  embeddingAlias: 'embedding-default',
  dimensions: 384,
  metric: 'cosine',
  chunking: { strategy: 'heading_aware', maxTokens: 400, overlapTokens: 50 },
  textSearchConfig: 'english',
  classification: 'internal',
  readerRoles: ['viewer', 'builder'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 3,
};

describe('collection form', () => {
  it('starts from the built-in local embedding alias and its 384 dimensions', () => {
    const draft = emptyCollectionDraft();
    expect(draft.embeddingAlias).toBe('embedding-default');
    expect(draft.dimensions).toBe('384');
    expect(checkCollectionDraft({ ...draft, name: 'docs' })).toEqual({});
  });

  it('checks name, dimensions, chunk sizes and reader roles on the client', () => {
    const errors = checkCollectionDraft({ ...emptyCollectionDraft(), name: ' ', dimensions: '38.4', maxTokens: '100', overlapTokens: '100', readerRoles: ['Not A Role'] });
    expect(Object.keys(errors).sort()).toEqual(['dimensions', 'name', 'overlapTokens', 'readerRoles']);
    expect(errors['overlapTokens']).toContain('smaller than the chunk size');
    expect(checkCollectionDraft({ ...emptyCollectionDraft(), name: 'x', maxTokens: 'lots' })['maxTokens']).toContain('whole number');
    expect(checkCollectionDraft({ ...emptyCollectionDraft(), name: 'x', embeddingAlias: '' })['embeddingAlias']).toBeDefined();
    expect(checkCollectionDraft({ ...emptyCollectionDraft(), name: 'x', textSearchConfig: 'English!' })['textSearchConfig']).toBeDefined();
  });

  it('builds the request body with numbers and a chunking object', () => {
    expect(collectionBody({ ...emptyCollectionDraft(), name: ' docs ', dimensions: ' 768 ', maxTokens: '256', overlapTokens: '0', metric: 'l2' })).toEqual({
      name: 'docs',
      description: '',
      embeddingAlias: 'embedding-default',
      dimensions: 768,
      metric: 'l2',
      chunking: { strategy: 'heading_aware', maxTokens: 256, overlapTokens: 0 },
      textSearchConfig: 'simple',
      classification: 'internal',
      readerRoles: [],
    });
  });

  it('sends only what changed, with the version the edit started from', () => {
    expect(collectionChanges(collection, draftOf(collection))).toEqual({ expectedVersion: 3 });
    const draft = { ...draftOf(collection), description: 'new', maxTokens: '300', readerRoles: ['builder', 'viewer'] };
    expect(collectionChanges(collection, draft)).toEqual({ expectedVersion: 3, description: 'new', chunking: { strategy: 'heading_aware', maxTokens: 300, overlapTokens: 50 } });
    expect(collectionChanges(collection, { ...draftOf(collection), textSearchConfig: 'simple', readerRoles: [] })).toEqual({ expectedVersion: 3, textSearchConfig: 'simple', readerRoles: [] });
  });

  it('maps API issue paths onto the form fields', () => {
    expect(fieldOfPath('chunking.maxTokens')).toBe('maxTokens');
    expect(fieldOfPath('chunking.overlapTokens')).toBe('overlapTokens');
    expect(fieldOfPath('chunking')).toBe('maxTokens');
    expect(fieldOfPath('readerRoles.2')).toBe('readerRoles');
    expect(fieldOfPath('dimensions')).toBe('dimensions');
    expect(fieldOfPath('unknown')).toBeUndefined();
  });

  it('spreads validation issues and known refusal codes over the fields', () => {
    const invalid = new ApiError(400, 'validation_failed', 'Invalid body', undefined, {
      issues: [
        { path: 'chunking.maxTokens', message: 'Too big' },
        { path: 'name', message: 'Required' },
        { path: 'extra', message: 'Unrecognized key' },
      ],
    });
    expect(collectionIssues(invalid)).toEqual({ fields: { maxTokens: 'Too big', name: 'Required' }, other: ['extra: Unrecognized key'] });

    const mismatch = new ApiError(400, 'vectors.dimension_mismatch', 'embedding-default returns 384 dimensions, not 768');
    expect(collectionIssues(mismatch)).toEqual({ fields: { dimensions: 'embedding-default returns 384 dimensions, not 768' }, other: [] });

    const taken = new ApiError(409, 'vectors.collection_name_taken', 'A collection named handbook exists');
    expect(collectionIssues(taken).fields['name']).toContain('handbook');

    // A refusal that names no field stays a whole-form failure.
    expect(collectionIssues(new ApiError(403, 'forbidden', 'Not allowed'))).toEqual({ fields: {}, other: [] });
    expect(collectionIssues(new Error('boom'))).toEqual({ fields: {}, other: [] });
  });
});
