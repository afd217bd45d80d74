/**
 * How a run moves: pure functions from (run, incoming event) to the changed run and what it
 * must emit (outbox items). No I/O here; runtime.ts reads and writes the run around them.
 *
 * A step is one model call. Its answer either ends the run (no tool calls: the answer is the
 * output) or asks for tools: each call becomes an event (or is refused at once: unknown tool,
 * out of scope, invalid arguments, which the model is told so it can correct itself). When every
 * call of the step has its result, the results go back to the model as the next step.
 */
import { keyedChildEventId, type ChildIdSource, type Envelope } from '../../kernel/index.js';
import { toolResultText, type Message } from './messages.js';
import type { OutboxItem, Run, RunStep, RunToolCall } from './run-state.js';
import type { ToolRegistry } from '../../registries/tools/index.js';
import { inScope } from './tools.js';
import { modelReplySchema, type ModelReply } from './model-replies.js';

/** Characters of one tool result the model gets back. */
const MAX_RESULT_CHARACTERS = 32_000;

export interface Transition {
  run: Run;
  outbox: OutboxItem[];
}

/**
 * The key of each event a run emits (EmittedEvent.key): named after what it is, so its id is the
 * same whatever else the driver emits for the same incoming event (a host running several agents).
 */
export function itemKey(run: Run, item: OutboxItem): string {
  switch (item.kind) {
    case 'model':
      return `${run.id}/model/${item.step}`;
    case 'tool':
      return `${run.id}/tool/${item.step}/${item.call}`;
    case 'final':
      return `${run.id}/final`;
  }
}

/** The id the kernel gives the event of `item` emitted for `incoming`. */
export function itemId(run: Run, incoming: ChildIdSource, item: OutboxItem): string {
  return keyedChildEventId(incoming, run.driver, itemKey(run, item));
}

/** The model answered (or refused) the request of the step `reply` answers. */
export function applyModelReply(run: Run, step: RunStep, reply: Envelope, tools: ToolRegistry, now: string): Transition {
  const answer = modelReplySchema.safeParse({ type: reply.type, data: reply.data });
  if (!answer.success) return fail(run, 'model_error', `the model's answer could not be read: ${answer.error.message}`, now);
  const parsed: ModelReply = answer.data;
  if (parsed.type === 'model.error') return fail(run, `model_${parsed.data.code}`, parsed.data.message, now);
  if (parsed.type === 'event.denied') return fail(run, 'denied', `the model call was denied: ${parsed.data.reason}`, now);
  if (parsed.type === 'error') return fail(run, 'model_error', `the model call failed: ${parsed.data.message}`, now);
  if (parsed.type === 'approval.requested') return { run: { ...run, status: 'awaiting_approval' }, outbox: [] };

  const { data } = parsed;
  step.model = data.model;
  step.provider = data.provider;
  if (data.selection !== undefined) step.selection = data.selection;
  step.usage = { inputTokens: data.usage.inputTokens, outputTokens: data.usage.outputTokens, costUsd: data.usage.costUsd };
  step.latencyMs = data.latencyMs;
  step.finishReason = data.finishReason;
  run.totals = {
    inputTokens: run.totals.inputTokens + data.usage.inputTokens,
    outputTokens: run.totals.outputTokens + data.usage.outputTokens,
    costUsd: run.totals.costUsd + data.usage.costUsd,
  };
  run.status = 'running';
  const calls = data.message.toolCalls;
  run.messages.push({ role: 'assistant', content: data.message.content, ...(calls.length > 0 && { toolCalls: calls }) });
  if (calls.length === 0) {
    step.status = 'done';
    step.finishedAt = now;
    return finish(run, data.message.content, data.output, now);
  }
  step.status = 'awaiting_tools';
  const outbox: OutboxItem[] = [];
  step.toolCalls = calls.map((call, index): RunToolCall => {
    const planned = planCall(run, call, tools);
    if (planned.status === 'failed') return planned;
    const item: OutboxItem = { kind: 'tool', step: step.index, call: index };
    planned.eventId = itemId(run, reply, item);
    outbox.push(item);
    const tool = inScope(tools, run.agent.tools, call.name);
    if (!planned.awaitsReply) {
      planned.status = 'done';
      planned.result = tool?.emitted?.(planned.eventId) ?? { emitted: planned.eventId };
    }
    return planned;
  });
  return { run, outbox: [...outbox, ...advance(run, step, reply, now)] };
}

/** A reply to one of the step's tool calls. */
export function applyToolReply(run: Run, step: RunStep, call: RunToolCall, reply: Envelope, tools: ToolRegistry, now: string): Transition {
  if (reply.type === 'policy.notify') return { run, outbox: [] };
  if (reply.type === 'approval.requested') {
    call.status = 'awaiting_approval';
    return { run: { ...run, status: 'awaiting_approval' }, outbox: [] };
  }
  if (call.status === 'done' || call.status === 'failed') return { run, outbox: [] }; // already settled by an earlier reply
  const tool = inScope(tools, run.agent.tools, call.name) ?? tools.get(call.name);
  if (tool && !tool.isReply({ type: reply.type, data: reply.data })) return { run, outbox: [] }; // another child of the call, not its answer
  const outcome = tool ? tool.fromReply({ type: reply.type, data: reply.data }) : { ok: false as const, error: `the tool ${call.name} is no longer available` };
  call.replyType = reply.type;
  if (outcome.ok) {
    call.status = 'done';
    call.result = outcome.value;
  } else {
    call.status = 'failed';
    call.error = outcome.error;
  }
  if (!step.toolCalls.some((each) => each.status === 'awaiting_approval')) run.status = 'running';
  return { run, outbox: advance(run, step, reply, now) };
}

/** Once every call of the step is settled: the results go to the model as the next step. */
function advance(run: Run, step: RunStep, incoming: ChildIdSource, now: string): OutboxItem[] {
  if (step.toolCalls.some((call) => call.status === 'pending' || call.status === 'awaiting_approval')) return [];
  step.status = 'done';
  step.finishedAt = now;
  for (const call of step.toolCalls) run.messages.push(resultMessage(call));
  if (run.steps.length >= run.agent.maxSteps) {
    const stopped = fail(run, 'max_steps', `the agent used its ${run.agent.maxSteps} steps without a final answer`, now);
    return stopped.outbox;
  }
  const item: OutboxItem = { kind: 'model', step: run.steps.length };
  const next: RunStep = {
    index: item.step,
    requestId: itemId(run, incoming, item),
    messageCount: run.messages.length,
    tools: step.tools,
    status: 'awaiting_model',
    toolCalls: [],
    startedAt: now,
  };
  run.steps.push(next);
  return [item];
}

function planCall(run: Run, call: { id: string; name: string; arguments: unknown }, tools: ToolRegistry): RunToolCall {
  const base = { id: call.id, name: call.name, arguments: call.arguments, awaitsReply: false };
  const tool = inScope(tools, run.agent.tools, call.name);
  if (!tool) return { ...base, status: 'failed', error: `there is no tool named ${call.name} for this agent` };
  const checked = tools.validate(tool, call.arguments);
  if (!checked.ok) return { ...base, status: 'failed', error: `invalid arguments for ${call.name}: ${checked.issues.join('; ')}` };
  return { ...base, arguments: checked.value, awaitsReply: tool.awaitsReply, status: 'pending' };
}

function resultMessage(call: RunToolCall): Message {
  const failed = call.status === 'failed';
  const content = failed ? `Error: ${call.error ?? 'the call failed'}` : toolResultText(call.result ?? null, MAX_RESULT_CHARACTERS);
  return { role: 'tool', toolCallId: call.id, name: call.name, content, ...(failed && { isError: true }) };
}

function finish(run: Run, text: string, output: unknown, now: string): Transition {
  run.status = 'completed';
  run.text = text;
  if (output !== undefined) run.output = output;
  run.updatedAt = now;
  return { run, outbox: [{ kind: 'final' }] };
}

function fail(run: Run, code: string, message: string, now: string): Transition {
  run.status = 'failed';
  run.error = { code, message };
  run.updatedAt = now;
  return { run, outbox: [{ kind: 'final' }] };
}
