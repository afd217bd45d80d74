/**
 * The events a run emits, rebuilt from its outbox items: a `model.request` for a step (the
 * run's first `messageCount` messages, which only grow), a tool call's event, the final answer
 * or failure. Rebuilt rather than stored, so a redelivered event re-emits the same events (same
 * ids, dropped by duplicate detection if they were already sent) without the run storing them twice.
 */
import type { EmittedEvent } from '../../kernel/index.js';
import type { OutboxItem, Run } from './run-state.js';
import type { ToolRegistry } from '../../registries/tools/index.js';
import { inScope, needsApproval } from './tools.js';
import { itemKey } from './transitions.js';

/** `unavailable`: tools in scope that the run's user may not use (see unavailableTools), left out of model requests. */
export function emissionsFor(run: Run, items: readonly OutboxItem[], tools: ToolRegistry, unavailable: ReadonlySet<string> = NONE): EmittedEvent[] {
  return items.map((item) => ({ ...eventOf(run, item, tools, unavailable), key: itemKey(run, item) }));
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The tools the model requests among `items` would offer that the run's user may not use (a
 * skill pack's tools without the pack's grant in force). Asked when the events are built, so a
 * grant given or withdrawn shows in the next step.
 */
export async function unavailableTools(run: Run, items: readonly OutboxItem[], tools: ToolRegistry): Promise<ReadonlySet<string>> {
  const restricted = new Map<string, (userId: string) => Promise<boolean>>();
  for (const item of items) {
    if (item.kind !== 'model') continue;
    for (const tool of tools.forScope(run.steps[item.step]?.tools ?? [])) if (tool.availableTo) restricted.set(tool.name, tool.availableTo);
  }
  if (restricted.size === 0) return NONE;
  const unavailable = new Set<string>();
  for (const [name, availableTo] of restricted) if (!(await availableTo(run.userId))) unavailable.add(name);
  return unavailable;
}

function eventOf(run: Run, item: OutboxItem, tools: ToolRegistry, unavailable: ReadonlySet<string>): EmittedEvent {
  switch (item.kind) {
    case 'model':
      return modelRequest(run, item.step, tools, unavailable);
    case 'tool':
      return toolEvent(run, item.step, item.call, tools);
    case 'final':
      return finalEvent(run);
  }
}

function modelRequest(run: Run, index: number, tools: ToolRegistry, unavailable: ReadonlySet<string>): EmittedEvent {
  const step = run.steps[index];
  if (!step) throw new Error(`run ${run.id} has no step ${index}`);
  const { agent } = run;
  const offered = tools
    .forScope(step.tools)
    .filter((tool) => !unavailable.has(tool.name))
    .map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }));
  const data: Record<string, unknown> = { model: agent.model, messages: run.messages.slice(0, step.messageCount) };
  if (offered.length > 0) data['tools'] = offered;
  if (agent.requires !== undefined) data['requires'] = agent.requires;
  if (agent.maxOutputTokens !== undefined) data['maxOutputTokens'] = agent.maxOutputTokens;
  if (agent.outputSchema !== undefined) data['outputSchema'] = agent.outputSchema;
  if (agent.temperature !== undefined) data['temperature'] = agent.temperature;
  return { type: 'model.request', data, awaitReply: true };
}

function toolEvent(run: Run, stepIndex: number, callIndex: number, tools: ToolRegistry): EmittedEvent {
  const call = run.steps[stepIndex]?.toolCalls[callIndex];
  const tool = call && (inScope(tools, run.agent.tools, call.name) ?? tools.get(call.name));
  if (!call || !tool) throw new Error(`run ${run.id} has no tool call ${stepIndex}/${callIndex}`);
  const { type, data } = tool.toEvent(call.arguments as Record<string, unknown>);
  const approval = needsApproval(run.agent.approvalTools, tool);
  return {
    type,
    data,
    ...(call.awaitsReply && { awaitReply: true }),
    ...(approval && { requireApproval: `${run.agent.id} wants to call ${call.name}` }),
  };
}

function finalEvent(run: Run): EmittedEvent {
  const base = { runId: run.id, agent: run.agent.id, ...(run.conversationId !== undefined && { conversationId: run.conversationId }) };
  const usage = { ...run.totals, steps: run.steps.length, models: [...new Set(run.steps.flatMap((step) => (step.model ? [step.model] : [])))] };
  if (run.status === 'failed') {
    return { type: run.agent.emits.error, category: 'output', data: { ...base, error: run.error, usage } };
  }
  return { type: run.agent.emits.response, category: 'output', data: { ...base, text: run.text ?? '', ...(run.output !== undefined && { output: run.output }), usage } };
}
