/**
 * The MCP tools: the Context Hub tools and emit_event exactly as the tool registry defines them
 * for agents (same names, JSON Schemas, validation and reserved types), each call an event
 * (event-call.ts); plus event_status, which reads the caller's own record of an event as
 * GET /api/events/{id} does. A refusal is a tool result with `isError` and the reason, written
 * so a model can act on it; a refusal before any event exists is audited like an HTTP refusal.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { eventRecordSchema, KernelError, toKernelError } from '../../kernel/index.js';
import type { ToolDefinition } from '../../registries/tools/index.js';
import { recordRefusal } from '../audit-trail.js';
import type { AuthenticatedContext } from '../handlers/context.js';
import { getEvent } from '../handlers/events.js';
import { problemResponse } from '../problem.js';
import type { ApiResponse } from '../types.js';
import { callThroughEvents, type EventCallOutcome } from './event-call.js';
import { releaseToClient } from './release.js';

/** The registry's tools an MCP client may call: reading and writing the user's hub, and starting their workflows. */
export const MCP_TOOL_SCOPE: readonly string[] = Object.freeze(['context_read', 'context_write', 'context_query', 'context_search', 'emit_event']);

export const EVENT_STATUS_TOOL = 'event_status';

const eventStatusArgs = z.strictObject({ id: z.string().min(1).max(256) });
/** What GET /api/events/{id} answers (record-view.ts); loose, so every field it shows is passed on. */
const eventStatusView = eventRecordSchema.omit({ userId: true, digest: true }).loose();

const EVENT_STATUS: Tool = {
  name: EVENT_STATUS_TOOL,
  title: 'Event status',
  description:
    'Look up what happened to an event you emitted (emit_event) or a call that was still pending: its status (accepted, awaiting_approval, throttled, processed, failed, dead_lettered, denied), the policy decision, the drivers that ran, the ids of the events it caused, and its audit entries. Only your own events can be seen.',
  inputSchema: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 256, description: 'The event id a tool result gave you.' } }, required: ['id'], additionalProperties: false },
};

export function listMcpTools(context: AuthenticatedContext): Tool[] {
  const registered = context.services.tools.forScope(MCP_TOOL_SCOPE).map((tool): Tool => ({
    name: tool.name,
    description: tool.description,
    // The registry refuses a tool whose schema is not an object schema, which is what MCP requires.
    inputSchema: tool.inputSchema as Tool['inputSchema'],
  }));
  return [...registered, EVENT_STATUS];
}

export async function callMcpTool(context: AuthenticatedContext, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  try {
    if (name === EVENT_STATUS_TOOL) return await eventStatus(context, args);
    const tool = context.services.tools.forScope(MCP_TOOL_SCOPE).find((candidate) => candidate.name === name);
    if (tool === undefined) return await refused(context, new KernelError('not_found', `there is no tool "${name}"; the tools are ${[...MCP_TOOL_SCOPE, EVENT_STATUS_TOOL].join(', ')}`));
    const validation = context.services.tools.validate(tool, args);
    if (!validation.ok) return await refused(context, new KernelError('invalid_input', `${name}: invalid arguments: ${validation.issues.join('; ')}`));
    return resultOf(tool, await callThroughEvents(context, tool, validation.value));
  } catch (caught) {
    const error = toKernelError(caught);
    const problem = problemResponse(error);
    if (problem.status < 500) return refused(context, new KernelError(error.code, `${name}: ${error.message}`));
    context.services.logger.error({ err: caught, tool: name }, 'an MCP tool call failed');
    return errorResult(`${name} failed: ${problemDetail(problem)}`);
  }
}

function resultOf(tool: ToolDefinition, outcome: EventCallOutcome): CallToolResult {
  switch (outcome.kind) {
    case 'emitted':
      return success({ ...asObject(tool.emitted?.(outcome.eventId) ?? {}), eventId: outcome.eventId, next: `call ${EVENT_STATUS_TOOL} with this id to see what happened` });
    case 'answered': {
      const result = tool.fromReply(outcome.reply);
      return result.ok ? success({ ...asObject(result.value), eventId: outcome.eventId }) : errorResult(`${result.error} (event ${outcome.eventId})`);
    }
    case 'awaiting_approval':
      return {
        content: [{ type: 'text', text: `${tool.name} has NOT run yet: it waits for a person's approval (${outcome.reason}). The user decides with POST /api/approvals/${outcome.approvalId ?? '<id>'}; call ${EVENT_STATUS_TOOL} with "${outcome.eventId}" later to see the outcome.` }],
        structuredContent: { status: 'awaiting_approval', eventId: outcome.eventId, reason: outcome.reason, ...(outcome.approvalId !== undefined && { approvalId: outcome.approvalId }) },
      };
    case 'throttled':
      return {
        content: [{ type: 'text', text: `${tool.name} has NOT run yet: a rate limit delayed it (${outcome.reason}); it runs by itself at ${outcome.runAt ?? 'the start of the next window'}. Do not repeat the call; call ${EVENT_STATUS_TOOL} with "${outcome.eventId}" after that time to see the outcome.` }],
        structuredContent: { status: 'throttled', eventId: outcome.eventId, reason: outcome.reason, ...(outcome.runAt !== undefined && { runAt: outcome.runAt }) },
      };
    case 'withheld':
      return errorResult(`${tool.name} ran (event ${outcome.eventId}), but its answer (${outcome.answerType}) is not given to MCP clients: ${outcome.reason}. Do not repeat the call; the user can see the result in Vextir itself.`);
    case 'unanswered':
      return errorResult(`${tool.name} got no answer: the event ${outcome.eventId} ended ${outcome.status}: ${outcome.reason}`);
    case 'pending':
      return errorResult(`${tool.name} was not answered in time: the event ${outcome.eventId} is still ${outcome.status}. Call ${EVENT_STATUS_TOOL} with this id later; do not repeat the call.`);
  }
}

/**
 * GET /api/events/{id}'s view (the same code: another user's id is the same 404), with the
 * event's data released as answers are (release.ts): withheld or redacted where a policy says so.
 */
async function eventStatus(context: AuthenticatedContext, args: Record<string, unknown>): Promise<CallToolResult> {
  const parsed = eventStatusArgs.safeParse(args);
  if (!parsed.success) return refused(context, new KernelError('invalid_input', `${EVENT_STATUS_TOOL}: invalid arguments: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ')}`));
  const response = await getEvent({ ...context, params: { id: parsed.data.id } });
  if (!('body' in response) || typeof response.body !== 'string') throw new Error('GET /api/events/{id} answered without a JSON body');
  const view = eventStatusView.parse(JSON.parse(response.body));
  const release = releaseToClient(view);
  const { data: _data, ...event } = view.event;
  const shown = release.ok ? { ...event, ...(release.data !== undefined && { data: release.data }) } : { ...event, dataWithheld: release.reason };
  return success({ ...view, event: shown });
}

/**
 * A refusal before (or instead of) an event: audited in the caller's chain as createApi audits a
 * refused HTTP request, with the status the equivalent HTTP call would have had.
 */
async function refused(context: AuthenticatedContext, error: KernelError): Promise<CallToolResult> {
  const { status } = problemResponse(error);
  await recordRefusal(context.services, context.request, context.identity.userId, status, error.code, `MCP tool call refused: ${error.message}`);
  return errorResult(error.message);
}

function success(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

/** The problem's public title and detail (a server fault's detail hides internals, as over HTTP). */
function problemDetail(response: ApiResponse): string {
  const body = 'body' in response && typeof response.body === 'string' ? (JSON.parse(response.body) as unknown) : undefined;
  const parsed = z.object({ title: z.string(), detail: z.string() }).safeParse(body);
  return parsed.success ? `${parsed.data.title}: ${parsed.data.detail}` : 'the server failed; the failure was logged';
}
