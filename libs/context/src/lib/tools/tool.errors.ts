import { ContextError } from '../context.errors';

/** A spec names a tool no provider serves (unknown builtin, action type, collection or extension). */
export class UnknownToolError extends ContextError {
  constructor(reference: string, reason: string) {
    super('context.unknown_tool', 'invalid_argument', `Unknown tool ${reference.slice(0, 200)}: ${reason}`.slice(0, 2000), { details: { reference: reference.slice(0, 200) } });
  }
}

/** Two entries of one spec resolve to the same model-facing name. */
export class DuplicateToolNameError extends ContextError {
  constructor(name: string) {
    super('context.duplicate_tool_name', 'invalid_argument', `Two tools of this agent are named ${name}; give one of them another name.`, { details: { name } });
  }
}

/** A second provider registered under an id that is taken. */
export class ToolProviderExistsError extends ContextError {
  constructor(id: string) {
    super('context.tool_provider_exists', 'conflict', `A tool provider ${id} is already registered.`, { details: { id } });
  }
}
