/**
 * The tool registry's contract: what a tool is to an agent (a name, a description and a JSON
 * Schema a model can call it with) and to the system (the event a call becomes, and how the
 * event's answer becomes the tool's result). Every tool call is an event, so it passes the
 * policy engine, ACLs, PII rules, approvals and the audit trail like any other.
 */

/** A JSON Schema (2020-12) as plain data, the form model providers and MCP servers exchange. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A child event of a tool call's event, as the runtime hands it to the tool. */
export interface ToolReply {
  type: string;
  data: unknown;
}

/** A tool's result: a value for the model, or an error written so a model can act on it. */
export type ToolResult = { ok: true; value: unknown } | { ok: false; error: string };

/** The event a call becomes (the kernel assigns id, user, correlation, causation). */
export interface ToolCallEvent {
  type: string;
  data: Record<string, unknown>;
}

export type ToolValidation = { ok: true; value: Record<string, unknown> } | { ok: false; issues: string[] };

export interface ToolDefinition {
  /** `^[a-zA-Z0-9_-]{1,64}$` (what model providers accept); unique in a registry. */
  readonly name: string;
  /** Written for a model: what the tool does and when to use it. */
  readonly description: string;
  /** A JSON Schema of the arguments: `type: 'object'`, `properties`, `required`, `additionalProperties: false`. */
  readonly inputSchema: JsonSchema;
  /** `native`, or `mcp:<server>` for a tool an MCP server offers. */
  readonly source: string;
  /** The tool's own name at its source when it differs from `name` (an MCP server's name for it); scope patterns with a source match this. */
  readonly sourceName?: string;
  /** A person must approve each call (the runtime parks the call for approval). */
  readonly requiresApproval?: boolean;
  /**
   * Set for a tool only some users may call (a skill pack's MCP tools: users with the pack's
   * grant in force). Agents running for other users are not offered it; a call is still checked
   * where it is answered.
   */
  readonly availableTo?: (userId: string) => Promise<boolean>;
  /** The event a call becomes. `args` are already validated (schema and `check`). */
  toEvent(args: Record<string, unknown>): ToolCallEvent;
  /** true: the runtime waits for the call's answer (a child event of it); false: fire-and-forget. */
  readonly awaitsReply: boolean;
  /**
   * Every event type that can answer a call (the driver's result and error types, `event.denied`,
   * `error`); empty for fire-and-forget tools. An agent driver declares these as capabilities so
   * the kernel routes the answers to it.
   */
  readonly replyTypes: readonly string[];
  /**
   * Whether a child event of the call is its answer. Other children are not: `approval.requested`
   * (the call waits for a person), `policy.notify`, another driver's output or failure.
   */
  isReply(reply: ToolReply): boolean;
  /** The result from the answer; an error answer (the driver's error type, `event.denied`, `error`) gives ok:false. */
  fromReply(reply: ToolReply): ToolResult;
  /** Fire-and-forget tools: the result once the event is emitted. */
  emitted?(eventId: string): unknown;
  /** Checks beyond the schema (e.g. reserved event types); issues name the field, as validation's do. */
  check?(args: Record<string, unknown>): string[];
  /**
   * A narrower copy of the tool for a scope entry with arguments, `name(a, b)` (emit_event takes
   * the event types it may emit). Throws KernelError `invalid_input` for arguments it refuses.
   * Tools without it take no arguments.
   */
  narrow?(args: readonly string[]): ToolDefinition;
}

/** A problem with one entry of a tool scope (an agent's `tools`). */
export interface ScopeIssue {
  index: number;
  reason: string;
}

export interface ToolRegistry {
  get(name: string): ToolDefinition | undefined;
  /** Every registered tool, in registration order (a snapshot). */
  list(): readonly ToolDefinition[];
  /**
   * The tools a scope allows, in the scope's order, each once (the first entry that matches a
   * tool decides it). Syntax in scope.ts: `context_read`, `context_*`, `mcp:github/*`,
   * `mcp:*\/*search*`, `emit_event(meeting.schedule)`. Entries that match nothing are skipped.
   */
  forScope(scope: readonly string[]): ToolDefinition[];
  /** What is wrong with a scope's entries: syntax, a native tool that does not exist, arguments a tool refuses. */
  checkScope(scope: readonly string[]): ScopeIssue[];
  /** A duplicate name is refused (KernelError `conflict`), a bad definition too (`invalid_input`). */
  register(tool: ToolDefinition): void;
  unregister(name: string): boolean;
  /** Called after every register/unregister; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /**
   * Arguments against the tool's inputSchema, then its `check`; issues name the field, so a
   * model can correct itself. Pass the definition forScope returned for a narrowed tool.
   */
  validate(tool: string | ToolDefinition, args: unknown): ToolValidation;
}
