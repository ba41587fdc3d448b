import { ARRAY_ITEM_TYPES, emptyPropertyDraft, PROPERTY_TYPE_LABELS, PROPERTY_TYPES, type PropertyDraft, type PropertyType } from '../../app/ontology-properties';
import { Field } from '../../components/Field';

/**
 * The properties of an object or link type, one group per property: api name, display name, type
 * (with item type and allowed values where they apply), required and unique flags, and the
 * description agents read. Errors come keyed `properties.<index>.<field>` (client or API).
 */
export function PropertyEditor({
  idPrefix,
  drafts,
  onChange,
  errors,
  fixedNames = [],
}: {
  idPrefix: string;
  drafts: PropertyDraft[];
  onChange: (drafts: PropertyDraft[]) => void;
  errors: Record<string, string>;
  /** Properties that exist already: their api name cannot be edited here (remove and add instead). */
  fixedNames?: readonly string[];
}) {
  const update = (index: number, changes: Partial<PropertyDraft>) => onChange(drafts.map((draft, at) => (at === index ? { ...draft, ...changes } : draft)));
  return (
    <div className="property-editor">
      {drafts.map((draft, index) => {
        const id = (field: string) => `${idPrefix}-${index}-${field}`;
        const error = (field: string) => errors[`properties.${index}.${field}`];
        const fixed = fixedNames.includes(draft.apiName);
        const showValues = draft.type === 'enum' || (draft.type === 'array' && draft.itemType === 'enum');
        return (
          <fieldset key={index} className="property-card" aria-label={`Property ${index + 1}`}>
            <legend>
              Property {index + 1}
              {draft.apiName ? <span className="mono"> {draft.apiName}</span> : null}
            </legend>
            <div className="form-row">
              <Field id={id('apiName')} label="Api name" error={error('apiName')} hint={fixed ? 'Existing property: its name is fixed.' : undefined}>
                {(props) => <input {...props} value={draft.apiName} readOnly={fixed} onChange={(event) => update(index, { apiName: event.target.value })} />}
              </Field>
              <Field id={id('displayName')} label="Display name" error={error('displayName')}>
                {(props) => <input {...props} value={draft.displayName} onChange={(event) => update(index, { displayName: event.target.value })} />}
              </Field>
              <Field id={id('type')} label="Type" error={error('type')}>
                {(props) => (
                  <select {...props} value={draft.type} onChange={(event) => update(index, { type: event.target.value as PropertyType })}>
                    {PROPERTY_TYPES.map((type) => (
                      <option key={type} value={type}>
                        {type} ({PROPERTY_TYPE_LABELS[type]})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {draft.type === 'array' ? (
                <Field id={id('itemType')} label="Item type" error={error('itemType')}>
                  {(props) => (
                    <select {...props} value={draft.itemType} onChange={(event) => update(index, { itemType: event.target.value as PropertyType })}>
                      {ARRAY_ITEM_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {type}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              ) : null}
            </div>
            {showValues ? (
              <Field id={id('enumValues')} label="Allowed values" error={error('enumValues')} hint="Separated by commas.">
                {(props) => <input {...props} value={draft.enumValues} onChange={(event) => update(index, { enumValues: event.target.value })} />}
              </Field>
            ) : null}
            <Field id={id('description')} label="Description for agents" error={error('description')} hint="What the value means, its unit, how to fill it.">
              {(props) => <textarea {...props} rows={2} value={draft.description} onChange={(event) => update(index, { description: event.target.value })} />}
            </Field>
            <div className="checkbox-row">
              <label className="checkbox">
                <input type="checkbox" checked={draft.required} onChange={(event) => update(index, { required: event.target.checked })} />
                Required
              </label>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.unique}
                  aria-invalid={error('unique') ? true : undefined}
                  aria-describedby={error('unique') ? id('unique-error') : undefined}
                  onChange={(event) => update(index, { unique: event.target.checked })}
                />
                Unique
              </label>
              <button
                type="button"
                className="button button-small button-danger-outline"
                aria-label={`Remove property ${index + 1}${draft.apiName ? ` (${draft.apiName})` : ''}`}
                onClick={() => onChange(drafts.filter((_, at) => at !== index))}
              >
                Remove
              </button>
            </div>
            {error('unique') ? (
              <div id={id('unique-error')} className="field-error">
                {error('unique')}
              </div>
            ) : null}
          </fieldset>
        );
      })}
      <button type="button" className="button" onClick={() => onChange([...drafts, emptyPropertyDraft()])}>
        Add property
      </button>
    </div>
  );
}
