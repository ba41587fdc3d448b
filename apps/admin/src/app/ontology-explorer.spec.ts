import { describe, expect, it } from 'vitest';
import type { ObjectType } from '../api/ontology-schema';
import { readFilters, writeFilters } from './url-filters';
import { EXPLORER_FILTERS, explorerCaption, explorerProblems, explorerQuery, objectTitle } from './ontology-explorer';

const customer: ObjectType = {
  id: 't1',
  apiName: 'Customer',
  displayName: 'Customer',
  description: '',
  primaryKey: 'customerId',
  titleProperty: 'name',
  schemaVersion: 1,
  createdAt: '',
  updatedAt: '',
  properties: [
    { apiName: 'customerId', displayName: 'Id', type: 'string', required: true, unique: true, description: '' },
    { apiName: 'name', displayName: 'Name', type: 'string', required: true, unique: false, description: '' },
    { apiName: 'credit', displayName: 'Credit', type: 'integer', required: false, unique: false, description: '' },
    { apiName: 'tier', displayName: 'Tier', type: 'enum', required: false, unique: false, description: '', enumValues: ['silver', 'gold'] },
  ],
};

const view = (search: string) => readFilters(new URLSearchParams(search), EXPLORER_FILTERS);

describe('explorer view in the URL', () => {
  it('reads the view and writes back only what differs from the defaults', () => {
    const values = view('type=Customer&property=credit&op=gte&value=100&sort=name&dir=desc&op2=x&limit=7');
    expect(values).toMatchObject({ type: 'Customer', property: 'credit', op: 'gte', value: '100', sort: 'name', dir: 'desc', limit: '25' });
    expect(writeFilters(values, EXPLORER_FILTERS).toString()).toBe('type=Customer&property=credit&op=gte&value=100&sort=name&dir=desc');
  });

  it('builds the query, typing the value after the property', () => {
    expect(explorerQuery(view('type=Customer&property=credit&op=gte&value=100&sort=name&dir=desc&page=3&limit=50'), customer)).toEqual({
      objectType: 'Customer',
      limit: 50,
      filter: { property: 'credit', op: 'gte', value: 100 },
      sort: [{ property: 'name', direction: 'desc' }],
      offset: 100,
    });
    expect(explorerQuery(view('type=Customer&property=tier&op=in&value=silver,gold'), customer).filter).toEqual({ property: 'tier', op: 'in', value: ['silver', 'gold'] });
    expect(explorerQuery(view('type=Customer&property=name&op=isNull'), customer).filter).toEqual({ property: 'name', op: 'isNull' });
    expect(explorerQuery(view('type=Customer&property=name&op=isNotNull'), customer).filter).toEqual({ not: { property: 'name', op: 'isNull' } });
    expect(explorerQuery(view('type=Customer&property=name&op=contains&value=Ad'), customer).filter).toEqual({ property: 'name', op: 'contains', value: 'Ad' });
    expect(explorerQuery(view('type=Customer&page=0'), customer)).toEqual({ objectType: 'Customer', limit: 25, offset: 0 });
    expect(explorerQuery(view('type=Customer'), customer)).toEqual({ objectType: 'Customer', limit: 25, offset: 0 });
  });

  it('explains a filter that cannot work', () => {
    expect(explorerProblems(view('type=Customer&property=credit&value=lots'), customer)).toEqual({ value: 'Enter a whole number, e.g. 42.' });
    expect(explorerProblems(view('type=Customer&property=tier&op=in&value=gold,bronze'), customer)).toEqual({ value: 'Choose one of: silver, gold.' });
    expect(explorerProblems(view('type=Customer&property=nope&value=1'), customer)).toEqual({ property: 'Customer has no property nope.' });
    expect(explorerProblems(view('type=Customer&property=credit'), customer)).toEqual({ value: 'Enter the value to compare with.' });
    expect(explorerProblems(view('type=Customer&value=1'), customer)).toEqual({ property: 'Choose the property to filter on.' });
    expect(explorerProblems(view('type=Customer&property=credit&op=isNotNull'), customer)).toEqual({});
  });

  it('describes the view and names objects by their title', () => {
    expect(explorerCaption(view('type=Customer&property=credit&op=gte&value=100&sort=name'), customer)).toBe(
      'Customer objects, where credit at least 100, sorted by name ascending, page 1',
    );
    expect(objectTitle({ id: 'o1', primaryKeyValue: 'C-1', properties: { name: 'Ada' } }, customer)).toBe('Ada');
    expect(objectTitle({ id: 'o1', primaryKeyValue: 'C-1', properties: {} }, customer)).toBe('C-1');
    expect(objectTitle({ id: 'o1', title: 'Given' })).toBe('Given');
  });
});
