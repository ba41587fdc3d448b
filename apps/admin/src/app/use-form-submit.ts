import { useState } from 'react';
import { isValid, type FieldErrors, type SplitIssues } from './form-errors';
import { asError } from './use-load';

export interface FormSubmit {
  /** Per field: the client-side check's message, else the API's. */
  errors: FieldErrors;
  /** The API's issues that name no field of the form. */
  problems: string[];
  /** A failure that is no validation issue (network, permission...), shown whole. */
  failure: Error | undefined;
  busy: boolean;
  /**
   * Shows `found` (the client-side check) and, when it is clean, runs `request`. If the request
   * fails, `issuesOf` spreads the API's issues over the form's fields and problems; a failure that
   * carries none becomes `failure`.
   */
  send(found: FieldErrors, request: () => Promise<void>, issuesOf: (error: unknown) => SplitIssues): Promise<void>;
}

/** The state every create/edit form of the admin keeps around one submission. */
export function useFormSubmit(): FormSubmit {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  async function send(found: FieldErrors, request: () => Promise<void>, issuesOf: (error: unknown) => SplitIssues): Promise<void> {
    setErrors(found);
    setProblems([]);
    setFailure(undefined);
    if (!isValid(found)) return;
    setBusy(true);
    try {
      await request();
    } catch (error) {
      const split = issuesOf(error);
      setErrors(split.fields);
      setProblems(split.other);
      if (isValid(split.fields) && !split.other.length) setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  return { errors, problems, failure, busy, send };
}
