import { describe, expect, it } from 'vitest';
import { OntologyError } from './ontology.errors';

describe('OntologyModule', () => {
  it('raises errors with codes of this layer', () => {
    const error = new OntologyError('ontology.example', 'not_found', 'Example not found.');
    expect(error.code).toBe('ontology.example');
    expect(error.kind).toBe('not_found');
  });
});
