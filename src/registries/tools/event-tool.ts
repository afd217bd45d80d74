/**
 * `defineEventTool`: a tool whose call is one request event answered by a driver (the context
 * tools, later an MCP call), so each such tool states only its event types and fields, and the
 * answers every request can get from the kernel (`event.denied`, `error`) read the same in every
 * tool.
 */
import { DENIED_EVENT_TYPE } from '../../kernel/index.js';
import type { JsonSchema, ToolCallEvent, ToolDefinition, ToolReply, ToolResult } from './types.js';

/** The kernel's answer to a failed driver (src/kernel/processor/system-events.ts). */
export const ERROR_EVENT_TYPE = 'error';

export interface EventToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
  /** Default `native`. */
  source?: string;
  sourceName?: string;
  requiresApproval?: boolean;
  /** The request event a call becomes. */
  eventType: string;
  /** The driver's answers that carry a result, e.g. `context.read.result`. */
  resultTypes: readonly string[];
  /** The driver's answers that report a refusal as `{code?, message}`, e.g. `context.error`. */
  errorTypes?: readonly string[];
  /** The driver that answers: an `error` event about another driver (one that also listens to the type) is not the answer. */
  driver?: string;
  /** The request's `data` from the arguments (default: the arguments as they are). */
  toData?(args: Record<string, unknown>): Record<string, unknown>;
  /** The result from a result answer's `data` (default: the data without `requestId`). */
  result?(data: Record<string, unknown>): unknown;
}

export function defineEventTool(spec: EventToolSpec): ToolDefinition {
  const resultTypes = new Set(spec.resultTypes);
  const errorTypes = new Set(spec.errorTypes ?? []);
  const replyTypes = Object.freeze([...resultTypes, ...errorTypes, DENIED_EVENT_TYPE, ERROR_EVENT_TYPE]);
  const tool: ToolDefinition = {
    name: spec.name,
    description: spec.description,
    inputSchema: spec.inputSchema,
    source: spec.source ?? 'native',
    ...(spec.sourceName !== undefined && { sourceName: spec.sourceName }),
    ...(spec.requiresApproval !== undefined && { requiresApproval: spec.requiresApproval }),
    awaitsReply: true,
    replyTypes,
    toEvent(args): ToolCallEvent {
      return { type: spec.eventType, data: spec.toData ? spec.toData(args) : { ...args } };
    },
    isReply(reply) {
      if (!replyTypes.includes(reply.type)) return false;
      if (reply.type !== ERROR_EVENT_TYPE || spec.driver === undefined) return true;
      return fieldOf(reply.data, 'driver') === spec.driver || fieldOf(reply.data, 'driver') === 'processor';
    },
    fromReply(reply): ToolResult {
      const data = asRecord(reply.data);
      if (resultTypes.has(reply.type)) {
        const { requestId: _requestId, ...rest } = data;
        return { ok: true, value: spec.result ? spec.result(data) : rest };
      }
      if (errorTypes.has(reply.type)) return { ok: false, error: describeRefusal(spec.name, data) };
      return systemReplyResult(spec.name, reply) ?? { ok: false, error: `${spec.name} got an unexpected answer of type ${reply.type}` };
    },
  };
  return Object.freeze(tool);
}

/** The result for the kernel's own answers (`event.denied`, `error`); undefined for any other type. */
export function systemReplyResult(toolName: string, reply: ToolReply): ToolResult | undefined {
  const data = asRecord(reply.data);
  if (reply.type === DENIED_EVENT_TYPE) {
    const policy = fieldOf(data, 'policy');
    const by = `${fieldOf(data, 'authorizer') ?? 'the system'}${policy === undefined ? '' : ` (policy "${policy}")`}`;
    return { ok: false, error: `${toolName} was denied by ${by}: ${fieldOf(data, 'reason') ?? 'no reason given'}. Repeating the same call will be denied again; change it or tell the user.` };
  }
  if (reply.type === ERROR_EVENT_TYPE) {
    const retry = data['retryable'] === true ? ' The failure may be temporary.' : '';
    return { ok: false, error: `${toolName} failed in the ${fieldOf(data, 'driver') ?? 'system'} driver (${fieldOf(data, 'code') ?? 'error'}): ${fieldOf(data, 'message') ?? 'no message'}.${retry}` };
  }
  return undefined;
}

/** `not_found: there is no document at /x` — the code first, since models branch on it best. */
function describeRefusal(toolName: string, data: Record<string, unknown>): string {
  const code = fieldOf(data, 'code');
  const message = fieldOf(data, 'message') ?? 'the request was refused';
  return `${toolName} failed${code === undefined ? '' : ` (${code})`}: ${message}`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function fieldOf(value: unknown, key: string): string | undefined {
  const field = asRecord(value)[key];
  return typeof field === 'string' ? field : undefined;
}
