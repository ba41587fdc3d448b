import type { ObjectType } from '../../api/ontology-schema';
import type { ValueDrafts } from '../../app/ontology-object-form';
import { PROPERTY_TYPE_LABELS, type PropertyDefinition } from '../../app/ontology-properties';
import { Field } from '../../components/Field';

/** One input per property of the type, its control chosen by the property's type. */
export function PropertyValuesForm({
  idPrefix,
  type,
  drafts,
  onChange,
  errors,
  readOnly = [],
}: {
  idPrefix: string;
  type: ObjectType;
  drafts: ValueDrafts;
  onChange: (drafts: ValueDrafts) => void;
  errors: Record<string, string>;
  readOnly?: readonly string[];
}) {
  return (
    <div className="filter-grid">
      {type.properties.map((property) => (
        <Field
          key={property.apiName}
          id={`${idPrefix}-${property.apiName}`}
          label={property.displayName || property.apiName}
          error={errors[property.apiName]}
          hint={hintOf(property, type)}
        >
          {(props) => (
            <ValueControl
              props={props}
              property={property}
              value={drafts[property.apiName] ?? ''}
              readOnly={readOnly.includes(property.apiName)}
              onChange={(value) => onChange({ ...drafts, [property.apiName]: value })}
            />
          )}
        </Field>
      ))}
    </div>
  );
}

function hintOf(property: PropertyDefinition, type: ObjectType): string {
  const parts = [`${PROPERTY_TYPE_LABELS[property.type]}${property.type === 'array' && property.itemType ? ` of ${property.itemType}` : ''}`];
  if (property.required) parts.push('required');
  if (property.apiName === type.primaryKey) parts.push('primary key');
  return parts.join(', ');
}

function ValueControl({
  props,
  property,
  value,
  readOnly,
  onChange,
}: {
  props: { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };
  property: PropertyDefinition;
  value: string;
  readOnly: boolean;
  onChange: (value: string) => void;
}) {
  if (property.type === 'boolean' || property.type === 'enum') {
    const choices = property.type === 'boolean' ? ['true', 'false'] : (property.enumValues ?? []);
    return (
      <select {...props} value={value} disabled={readOnly} onChange={(event) => onChange(event.target.value)}>
        <option value="">{property.required ? 'Choose…' : '(empty)'}</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {property.type === 'boolean' ? (choice === 'true' ? 'yes' : 'no') : choice}
          </option>
        ))}
      </select>
    );
  }
  if (property.type === 'json' || property.type === 'array') {
    return <textarea {...props} rows={2} className="mono" value={value} readOnly={readOnly} onChange={(event) => onChange(event.target.value)} />;
  }
  return (
    <input
      {...props}
      type={property.type === 'date' ? 'date' : 'text'}
      inputMode={property.type === 'integer' || property.type === 'decimal' ? 'decimal' : undefined}
      value={value}
      readOnly={readOnly}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
