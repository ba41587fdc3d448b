import { useState } from 'react';
import { ontologyObjectsApi, type OntologyObject } from '../../api/ontology-objects';
import { objectTitle } from '../../app/ontology-explorer';
import { useLoad } from '../../app/use-load';
import type { ControlProps } from '../../components/Field';

const PICKER_LIMIT = 200;

/**
 * Chooses an object of one type: a select of its objects (the first 200), narrowed by a text
 * search over their string properties when there are more.
 */
export function ObjectPicker({ objectType, value, onChange, control }: { objectType: string; value: string; onChange: (id: string) => void; control: ControlProps }) {
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const options = useLoad<OntologyObject[]>(
    async () =>
      applied
        ? (await ontologyObjectsApi.search(applied, objectType, 100)).items
        : (await ontologyObjectsApi.query({ objectType, limit: PICKER_LIMIT, sort: [{ property: '$primaryKey', direction: 'asc' }] })).items,
    `${objectType}|${applied}`,
  );
  const items = options.data ?? [];
  return (
    <div className="object-picker">
      <select {...control} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{options.loading ? 'Loading…' : items.length ? `Choose a ${objectType}` : `No ${objectType} found`}</option>
        {items.map((object) => (
          <option key={object.id} value={object.id}>
            {objectTitle(object)}
            {object.title && object.title !== object.primaryKeyValue ? ` (${object.primaryKeyValue})` : ''}
          </option>
        ))}
      </select>
      <input
        type="search"
        aria-label={`Search ${objectType} objects`}
        placeholder="Search…"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            setApplied(search.trim());
          }
        }}
        onBlur={() => setApplied(search.trim())}
      />
      {options.error ? <div className="field-error">Objects could not be loaded: {options.error.message}</div> : null}
    </div>
  );
}
