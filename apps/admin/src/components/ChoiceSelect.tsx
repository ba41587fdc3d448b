import type { ControlProps } from './Field';

/** A `<select>` over a fixed list of string values (an enum of the API), each shown as itself. */
export function ChoiceSelect<T extends string>({ choices, value, onChange, ...control }: ControlProps & { choices: readonly T[]; value: T; onChange: (value: T) => void }) {
  return (
    <select {...control} value={value} onChange={(event) => onChange(event.target.value as T)}>
      {choices.map((choice) => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </select>
  );
}
