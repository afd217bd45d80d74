/**
 * How a trigger event reaches the model and which conversation it belongs to: the runtime calls
 * these with the definition and the event, so every agent reads its input the same way.
 *
 * Paths name envelope attributes (`type`, `id`, `source`, `subject`, `time`, `correlationid`)
 * or the payload (`data`, `data.thread.id`).
 */
import type { Envelope } from '../../kernel/index.js';
import type { AgentDefinition } from './schema.js';

const ATTRIBUTES = new Set(['type', 'id', 'source', 'subject', 'time', 'correlationid']);
const DATA_PATH = /^data(\.[A-Za-z0-9_-]{1,64}){0,8}$/;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
/** Conversation ids longer than this are not ids (a pasted body); such runs get a conversation of their own. */
const MAX_CONVERSATION_ID = 256;

export function isTemplatePath(path: string): boolean {
  return ATTRIBUTES.has(path) || DATA_PATH.test(path);
}

/** The value at a path of the event (undefined where there is none). */
export function readEventPath(event: Pick<Envelope, 'type' | 'id' | 'source' | 'time' | 'correlationid' | 'subject' | 'data'>, path: string): unknown {
  if (ATTRIBUTES.has(path)) return event[path as keyof typeof event];
  if (!DATA_PATH.test(path)) return undefined;
  let value: unknown = event.data;
  for (const key of path.split('.').slice(1)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The first user message of a run. With `input`, the template with each `{{path}}` replaced by
 * the value there (text as is, anything else as JSON, nothing where there is no value); when
 * that leaves only blanks (the event lacks the fields the template expects), or without
 * `input`: the event type, its subject and its data as JSON — a clear default that works for
 * any event and keeps the data recognizably data.
 */
export function renderAgentInput(definition: Pick<AgentDefinition, 'input'>, event: Envelope): string {
  if (definition.input !== undefined) {
    const text = definition.input.replace(PLACEHOLDER, (_whole, path: string) => render(readEventPath(event, path)));
    if (text.trim() !== '') return text;
  }
  const subject = event.subject === undefined ? '' : ` (subject: ${event.subject})`;
  return `Event \`${event.type}\`${subject} started this run. Its data (JSON):\n\n${JSON.stringify(event.data ?? {}, null, 2)}`;
}

/** The conversation a run continues: the text or number at `conversation`; undefined for a conversation of its own. */
export function conversationIdOf(definition: Pick<AgentDefinition, 'conversation'>, event: Envelope): string | undefined {
  if (definition.conversation === undefined) return undefined;
  const value = readEventPath(event, definition.conversation);
  const id = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof id === 'string' && id !== '' && id.length <= MAX_CONVERSATION_ID ? id : undefined;
}

/** The event types a run emits for its final answer and for a failure. */
export function agentEventTypes(definition: Pick<AgentDefinition, 'emits'>, triggerType: string): { response: string; error: string } {
  return { response: definition.emits?.response ?? `${triggerType}.response`, error: definition.emits?.error ?? `${triggerType}.error` };
}

function render(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
