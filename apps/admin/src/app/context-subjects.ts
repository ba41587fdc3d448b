/** The permission subjects of the context layer, as libs/context registers them (agents/agent-permissions.ts, runtime/runtime-permissions.ts). */
export const CONTEXT_SUBJECTS = {
  agent: 'Agent',
  session: 'AgentSession',
  run: 'AgentRun',
} as const;
