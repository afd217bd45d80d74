/**
 * What the runtime needs of the tool registry (src/registries/tools): the tools an agent's scope
 * allows, argument validation against each tool's schema, and how a call becomes an event and a
 * reply becomes the call's result. Tools are events: the runtime never runs a tool itself, so
 * every call passes the policy engine, ACLs, PII rules, approvals and the audit trail.
 */
export interface RuntimeTool {
  name: string;
  description: string;
  inputSchema: object;
  /** A person must approve each call. */
  requiresApproval?: boolean;
  /** true: the call's answer is a reply to its event; false: the result is known once the event is emitted. */
  awaitsReply: boolean;
  toEvent(args: Record<string, unknown>): { type: string; data: Record<string, unknown> };
  fromReply(reply: { type: string; data: unknown }): { ok: true; value: unknown } | { ok: false; error: string };
  emitted?(eventId: string): unknown;
}

export interface ToolSource {
  get(name: string): RuntimeTool | undefined;
  forScope(scope: readonly string[]): readonly RuntimeTool[];
  validate(name: string, args: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; issues: string[] };
}

/** Whether `name` is one of the tools `scope` allows (the same rule as forScope). */
export function inScope(tools: ToolSource, scope: readonly string[], name: string): RuntimeTool | undefined {
  return tools.forScope(scope).find((tool) => tool.name === name);
}
