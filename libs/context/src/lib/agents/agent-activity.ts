import type { Prisma } from '@strata/db';

/**
 * What the agents part asks the runtime before deleting an agent: how many of its runs are still
 * queued, running or suspended. The runtime (runtime/) provides it under AGENT_ACTIVITY; without a
 * runtime there are no runs, so the check passes.
 */
export interface AgentActivityApi {
  /** Runs of the agent not yet in a terminal status, read inside the deleting transaction. */
  activeRunCount(agentId: string, tx: Prisma.TransactionClient): Promise<number>;
}

export const AGENT_ACTIVITY = Symbol.for('strata.context.AgentActivity');
