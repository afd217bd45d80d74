/**
 * The runtime's view of the tool registry (src/registries/tools): the tools an agent's scope
 * allows, argument validation, and how a call becomes an event and its answer a result. Tools are
 * events: the runtime never runs a tool itself, so every call passes the policy engine, ACLs, PII
 * rules, approvals and the audit trail.
 */
import { requiresApproval } from '../../registries/agents/index.js';
import type { ToolDefinition, ToolRegistry } from '../../registries/tools/index.js';

/** The tool `name` as the agent's scope allows it (a narrowed copy for entries with arguments), if it does. */
export function inScope(tools: ToolRegistry, scope: readonly string[], name: string): ToolDefinition | undefined {
  return tools.forScope(scope).find((tool) => tool.name === name);
}

/** Whether the agent (its `approval.tools`) or the tool itself wants a person to approve each call. */
export function needsApproval(approvalTools: readonly string[], tool: ToolDefinition): boolean {
  return requiresApproval({ approval: { tools: [...approvalTools] } }, tool);
}
