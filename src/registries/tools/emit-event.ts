/**
 * `emit_event`: the native tool that emits any event an agent's work calls for (`meeting.schedule`,
 * `notification.send`), fire-and-forget. Types the system reserves are refused, so an agent
 * cannot forge the kernel's answers or the runtime's messages, nor reach around a tool that has
 * its own scope and approval rules. `emit_event(meeting.schedule, task.*)` in a scope narrows it
 * to those types (least privilege for agents that read untrusted text, such as email).
 */
import { EVENT_TYPE, isValidTypePattern, KernelError, matchesType } from '../../kernel/index.js';
import type { JsonSchema, ToolDefinition } from './types.js';

/**
 * Never emitted by emit_event:
 * - `error`, `event.denied`, `approval.*`, `policy.*`: the kernel's answers and policy events;
 * - `model.*`, `agent.*`: the agent runtime's model calls and run messages (an agent could
 *   otherwise spend outside its step budget or answer another run);
 * - `context.*`, `mcp.*`, `tool.*`: requests other tools make, which have their own scopes and
 *   approval rules (use those tools).
 */
export const RESERVED_EVENT_TYPES: readonly string[] = Object.freeze(['error', 'event.denied', 'approval.*', 'policy.*', 'model.*', 'agent.*', 'context.*', 'mcp.*', 'tool.*']);

export const EMIT_EVENT_TOOL = 'emit_event';

const DESCRIPTION = [
  'Emit an event into the Vextir event system so that other drivers, agents or plans act on it,',
  'for example {"type": "meeting.schedule", "data": {...}}. Fire-and-forget: the result is the',
  'new event id, not an answer. Use a dotted type naming what should happen; put everything the',
  `receiver needs in data. Types reserved by the system are refused: ${RESERVED_EVENT_TYPES.join(', ')}.`,
].join(' ');

export function isReservedEventType(type: string): boolean {
  return RESERVED_EVENT_TYPES.some((pattern) => matchesType(pattern, type) || pattern === `${type}.*`);
}

/** `allowed`: the type patterns a narrowed copy may emit (undefined: every type that is not reserved). */
export function emitEventTool(allowed?: readonly string[]): ToolDefinition {
  const typeSchema: Record<string, unknown> = allowed === undefined
    ? { type: 'string', minLength: 1, maxLength: 256, pattern: EVENT_TYPE.source, description: 'The event type, a dotted name such as "meeting.schedule".' }
    : allowedTypeSchema(allowed);
  const inputSchema: JsonSchema = {
    type: 'object',
    properties: {
      type: typeSchema,
      data: { type: 'object', description: 'The event payload (a JSON object); empty when omitted.' },
    },
    required: ['type'],
    additionalProperties: false,
  };
  const tool: ToolDefinition = {
    name: EMIT_EVENT_TOOL,
    description: DESCRIPTION + (allowed === undefined ? '' : ` This agent may emit only: ${allowed.join(', ')}.`),
    inputSchema,
    source: 'native',
    awaitsReply: false,
    replyTypes: Object.freeze([]),
    toEvent(args) {
      const type = String(args['type']);
      const problems = checkType(type, allowed);
      if (problems.length > 0) throw new KernelError('invalid_input', `emit_event: ${problems.join('; ')}`);
      const data = args['data'];
      return { type, data: typeof data === 'object' && data !== null ? { ...(data as Record<string, unknown>) } : {} };
    },
    isReply: () => false,
    fromReply: () => ({ ok: false, error: 'emit_event does not wait for answers' }),
    emitted: (eventId) => ({ emitted: true, eventId }),
    check: (args) => (typeof args['type'] === 'string' ? checkType(args['type'], allowed) : []),
    narrow(args) {
      const bad = args.find((pattern) => !isValidTypePattern(pattern) || pattern === '*' || isReservedEventType(pattern.replace(/\.\*$/, '')));
      if (bad !== undefined) {
        throw new KernelError('invalid_input', `emit_event(${args.join(', ')}): "${bad}" is not an event type or "prefix.*" pattern an agent may emit (reserved: ${RESERVED_EVENT_TYPES.join(', ')})`);
      }
      return emitEventTool(allowed === undefined ? args : args.filter((pattern) => allowed.includes(pattern)));
    },
  };
  return Object.freeze(tool);
}

function checkType(type: string, allowed: readonly string[] | undefined): string[] {
  if (isReservedEventType(type)) return [`type: "${type}" is reserved by the system and cannot be emitted (reserved: ${RESERVED_EVENT_TYPES.join(', ')})`];
  if (allowed !== undefined && !allowed.some((pattern) => matchesType(pattern, type))) return [`type: this agent may emit only ${allowed.join(', ')}`];
  return [];
}

/** An enum when every allowed type is exact (clearest for a model), else a pattern. */
function allowedTypeSchema(allowed: readonly string[]): Record<string, unknown> {
  const description = `The event type: one of ${allowed.join(', ')}.`;
  if (allowed.every((pattern) => !pattern.endsWith('.*'))) return { type: 'string', enum: [...allowed], description };
  const alternatives = allowed.map((pattern) => (pattern.endsWith('.*') ? `${escape(pattern.slice(0, -2))}\\.[A-Za-z0-9_.-]+` : escape(pattern)));
  return { type: 'string', maxLength: 256, pattern: `^(${alternatives.join('|')})$`, description };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
