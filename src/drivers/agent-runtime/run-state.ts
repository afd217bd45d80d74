/**
 * An agent run as the store keeps it: the conversation so far, each step (the model request, who
 * answered, tokens, cost, latency, the tool calls and their outcomes) and what each incoming event
 * made the run emit (its outbox), so that a redelivered event re-emits the same events and never
 * calls a model or a tool twice. The run is the only state: nothing is kept in memory between
 * events, and nothing is taken from a client.
 */
import { z } from 'zod';
import { messageSchema } from './messages.js';

export const RUN_KIND = 'agent-run';
/** Which run an awaited event (a model request, a tool call) belongs to, by the event's id. */
export const WAIT_KIND = 'agent-wait';

export const callStatusSchema = z.enum(['pending', 'awaiting_approval', 'done', 'failed']);

export const runToolCallSchema = z.object({
  /** The model's id for the call. */
  id: z.string(),
  name: z.string(),
  arguments: z.unknown(),
  /** The event the call became; absent when it was refused before (unknown tool, bad arguments). */
  eventId: z.string().optional(),
  awaitsReply: z.boolean(),
  status: callStatusSchema,
  result: z.unknown().optional(),
  error: z.string().optional(),
  /** The reply that settled it (`context.read.result`, `event.denied`, ...). */
  replyType: z.string().optional(),
});
export type RunToolCall = z.infer<typeof runToolCallSchema>;

export const runStepSchema = z.object({
  index: z.number().int().min(0),
  /** The `model.request` event of this step. */
  requestId: z.string(),
  /** How many of the run's messages the request carried (messages are append-only). */
  messageCount: z.number().int().min(0),
  tools: z.array(z.string()),
  status: z.enum(['awaiting_model', 'awaiting_tools', 'done']),
  model: z.string().optional(),
  provider: z.string().optional(),
  /** Why that model answered (the models driver's selection). */
  selection: z.unknown().optional(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }).optional(),
  latencyMs: z.number().optional(),
  finishReason: z.string().optional(),
  toolCalls: z.array(runToolCallSchema),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type RunStep = z.infer<typeof runStepSchema>;

/** What one incoming event made the run emit, as references into the run (rebuilt, not stored twice). */
export const outboxItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('model'), step: z.number().int() }),
  z.object({ kind: z.literal('tool'), step: z.number().int(), call: z.number().int() }),
  z.object({ kind: z.literal('final') }),
]);
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** What the runtime needs of an agent's definition, kept with the run so an edit mid-run changes nothing. */
export const runAgentSchema = z.object({
  id: z.string(),
  model: z.string(),
  requires: z.object({ capabilities: z.array(z.string()).optional(), minContextTokens: z.number().optional() }).optional(),
  tools: z.array(z.string()),
  approvalTools: z.array(z.string()),
  maxSteps: z.number().int().min(1),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  temperature: z.number().optional(),
  maxOutputTokens: z.number().int().optional(),
  emits: z.object({ response: z.string(), error: z.string() }),
});
export type RunAgent = z.infer<typeof runAgentSchema>;

export const runSchema = z.object({
  id: z.string(),
  /** The driver the run's events are addressed to (the agent's own driver, or the user-agents host). */
  driver: z.string(),
  agent: runAgentSchema,
  userId: z.string(),
  trigger: z.object({ id: z.string(), type: z.string() }),
  conversationId: z.string().optional(),
  status: z.enum(['running', 'awaiting_approval', 'completed', 'failed']),
  messages: z.array(messageSchema),
  /** Earlier messages of the conversation left out to fit the model's window. */
  dropped: z.number().int().min(0),
  steps: z.array(runStepSchema),
  outbox: z.record(z.string(), z.array(outboxItemSchema)),
  output: z.unknown().optional(),
  text: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  totals: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Run = z.infer<typeof runSchema>;

export const waitSchema = z.object({ runId: z.string() });
