import { TOOL_NAME, type ToolReference } from '../agents/agent-spec';
import type { ToolDescriptor } from './tool.contract';

/** A model-facing tool name from free text: letters, digits, `_` and `-`, starting with a letter, at most 64. */
export function toolNameFrom(text: string): string {
  let name = text.replace(/[^a-zA-Z0-9_-]+/g, '_').replace(/_+/g, '_').replace(/^[^a-zA-Z]+/, '');
  if (!name) name = 'tool';
  name = name.slice(0, 64);
  return TOOL_NAME.test(name) ? name : 'tool';
}

/** The spec entry's approval policy, when it asks for one. */
export function approvalOf(reference: ToolReference): ToolDescriptor['approval'] {
  const approval = reference.approval;
  if (!approval?.required) return undefined;
  return { required: true, approverRoles: [...approval.approverRoles], quorum: approval.quorum, expiresInMs: approval.expiresInMs };
}
