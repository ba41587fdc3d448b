import { ContextError } from '../context.errors';

export class SessionNotFoundError extends ContextError {
  constructor(id: string) {
    super('context.session_not_found', 'not_found', `Session ${id} does not exist.`, { details: { id } });
  }
}

export class RunNotFoundError extends ContextError {
  constructor(id: string) {
    super('context.run_not_found', 'not_found', `Run ${id} does not exist.`, { details: { id } });
  }
}

export class StepNotFoundError extends ContextError {
  constructor(runId: string, index: number) {
    super('context.step_not_found', 'not_found', `Run ${runId} has no step ${index}.`, { details: { runId, index } });
  }
}

export class NotSessionUserError extends ContextError {
  constructor(sessionId: string) {
    super('context.not_session_user', 'permission_denied', `Only the user who opened session ${sessionId} sends messages to it (the agent acts for that user).`, {
      details: { sessionId },
    });
  }
}

export class RunAlreadyFinishedError extends ContextError {
  constructor(runId: string, status: string) {
    super('context.run_finished', 'conflict', `Run ${runId} already ended (${status}).`, { details: { runId, status } });
  }
}

export class RunNotFinishedError extends ContextError {
  constructor(runId: string, status: string) {
    super('context.run_not_finished', 'failed_precondition', `Run ${runId} is ${status}; only a finished run can be replayed.`, { details: { runId, status } });
  }
}

/** The worker lost its lease (another worker took the run): the checkpoint is refused and rolled back. */
export class LeaseLostError extends ContextError {
  constructor(runId: string) {
    super('context.lease_lost', 'conflict', `This worker no longer holds the lease of run ${runId}.`, { details: { runId } });
  }
}

/** Internal: a checkpoint found the run's cancel flag set; the segment ends the run as cancelled instead. */
export class RunCancelRequestedError extends ContextError {
  constructor(runId: string) {
    super('context.cancel_requested', 'conflict', `Run ${runId} was asked to stop.`, { details: { runId } });
  }
}
