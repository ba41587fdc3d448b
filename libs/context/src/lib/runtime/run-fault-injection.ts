/**
 * The write boundaries of a run, named so tests can stop a worker exactly there (the crash-point
 * sweep). In production the port does nothing; the test worker entry point provides one that
 * kills its own process when a boundary is reached for the n-th time.
 */
export const RUN_BOUNDARIES = [
  /** The model answered; its checkpoint is not written yet. */
  'after_model',
  /** A step's model result is committed. */
  'after_model_checkpoint',
  /** A tool's effect happened (for transactional tools: inside the checkpoint transaction, not committed). */
  'after_tool_effect',
  /** A tool call's result is committed. */
  'after_tool_checkpoint',
  /** An approval request exists; the run's suspension is not written yet. */
  'after_approval_request',
  /** Resuming after a decision: the approved call is about to execute. */
  'approval_resume',
] as const;
export type RunBoundary = (typeof RUN_BOUNDARIES)[number];

export interface RunFaultInjector {
  reached(boundary: RunBoundary): void;
}

export const RUN_FAULT_INJECTOR = Symbol.for('strata.context.RunFaultInjector');

export const NO_FAULTS: RunFaultInjector = { reached: () => undefined };
