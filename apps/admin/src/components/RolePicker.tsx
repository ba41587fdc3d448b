import { useEffect, useState } from 'react';
import { policiesApi } from '../api/policies';

let builtInRoles: Promise<string[]> | undefined;

/** The built-in role names (GET /governance/roles), asked once per page load. */
function loadBuiltInRoles(): Promise<string[]> {
  builtInRoles ??= policiesApi.roles().then(
    (roles) => roles.map((role) => role.role),
    (error: unknown) => {
      builtInRoles = undefined;
      throw error;
    },
  );
  return builtInRoles;
}

/**
 * Roles as checkboxes (the built-in ones, or `options` when only some may be given, such as a
 * key's principal's roles) plus, unless `options` is given, custom roles typed in by name.
 */
export function RolePicker({
  id,
  legend,
  value,
  onChange,
  options,
  error,
  hint,
}: {
  id: string;
  legend: string;
  value: string[];
  onChange: (roles: string[]) => void;
  options?: string[];
  error?: string;
  hint?: string;
}) {
  const [builtIn, setBuiltIn] = useState<string[]>([]);
  const [loadProblem, setLoadProblem] = useState<string>();
  useEffect(() => {
    if (options) return;
    let live = true;
    loadBuiltInRoles().then(
      (roles) => live && setBuiltIn(roles),
      (failure: Error) => live && setLoadProblem(`Could not load the built-in roles: ${failure.message}`),
    );
    return () => {
      live = false;
    };
  }, [options]);

  const choices = options ?? builtIn;
  // Until the built-in roles are known, no role can be told apart as custom: the field shows its
  // derived value only once they are, and the user's own text after that.
  const [typedText, setTypedText] = useState<string>();
  const customText = typedText ?? (builtIn.length ? value.filter((role) => !choices.includes(role)).join(', ') : '');
  const toggle = (role: string, on: boolean) => onChange(on ? [...value, role] : value.filter((held) => held !== role));
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <fieldset className="field role-picker" aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <legend>{legend}</legend>
      <div className="checkbox-row">
        {choices.map((role) => (
          <label key={role} className="checkbox">
            <input type="checkbox" checked={value.includes(role)} onChange={(event) => toggle(role, event.target.checked)} />
            {role}
          </label>
        ))}
        {options && options.length === 0 ? <span className="muted">No roles to choose from.</span> : null}
      </div>
      {options ? null : (
        <div className="inline-field">
          <label htmlFor={`${id}-custom`}>Custom roles</label>
          <input
            id={`${id}-custom`}
            value={customText}
            placeholder="e.g. claims-reviewer"
            onChange={(event) => {
              setTypedText(event.target.value);
              const typed = [...new Set(event.target.value.split(/[\s,]+/).filter(Boolean))];
              onChange([...value.filter((role) => choices.includes(role)), ...typed]);
            }}
          />
        </div>
      )}
      {loadProblem ? <div className="field-error">{loadProblem}</div> : null}
      {hint ? (
        <div id={`${id}-hint`} className="muted">
          {hint}
        </div>
      ) : null}
      {error ? (
        <div id={`${id}-error`} className="field-error">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}
