/**
 * The agent loop, run over events. A trigger starts a run: its first step is a `model.request`
 * awaiting its reply. The model's answer either finishes the run (the agent's response event) or
 * asks for tools, whose calls are events awaiting their replies; when every call has its result,
 * the next step asks the model again, until an answer, a failure or the step limit. Every model
 * call and tool call is an event the policy engine authorizes and the audit trail records; a
 * call a person must approve waits durably (the kernel parks it) and the run continues on the
 * reply once it was approved, after a restart too.
 *
 * Each incoming event changes the stored run once (its id is remembered in the run's outbox) and
 * makes it emit the events derived from that change, so a redelivered event re-emits the same
 * events (same ids) and never calls a model or a tool twice.
 */
import { createHash } from 'node:crypto';
import { isKernelError, NOOP_SPAN, type ChildIdSource, type EmittedEvent, type Envelope, type TraceSpan } from '../../kernel/index.js';
import type { ConversationStore } from './conversations.js';
import { emissionsFor, unavailableTools } from './emissions.js';
import { fitHistory, estimateTokens, type Message } from './messages.js';
import type { OutboxItem, Run, RunAgent } from './run-state.js';
import type { RunStore } from './run-store.js';
import type { ToolRegistry } from '../../registries/tools/index.js';
import { traceReply } from './trace.js';
import { applyModelReply, applyToolReply, itemId } from './transitions.js';

export interface AgentRuntimeDeps {
  runs: RunStore;
  conversations: ConversationStore;
  tools: ToolRegistry;
  /** How many tokens the agent's model (or every model it may be given) takes in one request. */
  contextWindow(agent: RunAgent): number;
  now(): Date;
}

export interface RunStart {
  /** The driver the run's events are addressed to. */
  driver: string;
  agent: RunAgent;
  systemPrompt: string;
  trigger: Envelope;
  /** The trigger as the model's first user message. */
  input: string;
  conversationId?: string;
}

/** Output tokens assumed for a request when the agent sets no limit: kept free in the window. */
const DEFAULT_ANSWER_TOKENS = 4096;

/**
 * The awaited event a reply answers: its parent, or, when the answer itself was denied on its
 * way (the kernel's `event.denied` of an addressed answer), the request that answer answered.
 */
function awaitedBy(reply: Envelope): string | undefined {
  if (reply.type === 'event.denied' && reply.data !== null && typeof reply.data === 'object') {
    const answered = (reply.data as Record<string, unknown>)['answered'];
    if (typeof answered === 'string') return answered;
  }
  return reply.causationid;
}

export class AgentRuntime {
  constructor(private readonly deps: AgentRuntimeDeps) {}

  /** The id of the run a trigger starts for a driver's agent: the same on every redelivery. */
  static runId(triggerId: string, driver: string, agentId: string): string {
    return `run_${createHash('sha256').update(`${triggerId}\n${driver}\n${agentId}`).digest('base64url').slice(0, 24)}`;
  }

  async start(spec: RunStart): Promise<EmittedEvent[]> {
    const { trigger, agent } = spec;
    const runId = AgentRuntime.runId(trigger.id, spec.driver, agent.id);
    const existing = await this.deps.runs.get(trigger.userid, runId);
    if (existing) return this.#emit(existing, trigger);
    const now = this.deps.now().toISOString();
    const messages = await this.#openingMessages(spec);
    const run: Run = {
      id: runId,
      driver: spec.driver,
      agent,
      userId: trigger.userid,
      trigger: { id: trigger.id, type: trigger.type },
      ...(spec.conversationId !== undefined && { conversationId: spec.conversationId }),
      status: 'running',
      messages: messages.messages,
      dropped: messages.dropped,
      steps: [{ index: 0, requestId: '', messageCount: messages.messages.length, tools: agent.tools, status: 'awaiting_model', toolCalls: [], startedAt: now }],
      outbox: { [trigger.id]: [{ kind: 'model', step: 0 }] },
      totals: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      createdAt: now,
      updatedAt: now,
    };
    run.steps[0]!.requestId = itemId(run, trigger, { kind: 'model', step: 0 });
    const { run: stored } = await this.deps.runs.create(run);
    return this.#emit(stored, trigger);
  }

  /** A reply addressed to the run's driver: the model's answer, or a tool call's. `trace`: the driver run's span. */
  async resume(reply: Envelope, trace: TraceSpan = NOOP_SPAN): Promise<EmittedEvent[]> {
    const awaited = awaitedBy(reply);
    if (awaited === undefined) return [];
    const runId = await this.deps.runs.runIdOf(reply.userid, awaited);
    if (runId === undefined) return []; // not an event this driver awaits
    const now = this.deps.now().toISOString();
    const updated = await this.deps.runs
      .update(reply.userid, runId, (current) => {
        if (current.outbox[reply.id] !== undefined) return undefined; // applied on an earlier delivery
        const transition = this.#transition(current, reply, now);
        transition.run.outbox[reply.id] = transition.outbox;
        transition.run.updatedAt = now;
        return { run: transition.run, result: undefined };
      })
      .catch((error: unknown) => {
        if (isKernelError(error, 'not_found')) return undefined; // a run that no longer exists
        throw error;
      });
    if (updated === undefined) return [];
    const { run } = updated;
    if (trace.recording) traceReply(trace, run, awaited, this.deps.tools);
    if (run.status === 'completed' && run.conversationId !== undefined) await this.#remember(run);
    return this.#emit(run, reply);
  }

  #transition(run: Run, reply: Envelope, now: string): { run: Run; outbox: OutboxItem[] } {
    if (run.status === 'completed' || run.status === 'failed') return { run, outbox: [] };
    const awaited = awaitedBy(reply);
    const modelStep = run.steps.find((step) => step.requestId === awaited);
    if (modelStep) {
      if (modelStep.status !== 'awaiting_model' || reply.type === 'policy.notify') return { run, outbox: [] };
      return applyModelReply(run, modelStep, reply, this.deps.tools, now);
    }
    for (const step of run.steps) {
      const call = step.toolCalls.find((each) => each.eventId === awaited);
      if (call) return applyToolReply(run, step, call, reply, this.deps.tools, now);
    }
    return { run, outbox: [] };
  }

  /** The events `incoming` made the run emit, after recording which run awaits each of them. */
  async #emit(run: Run, incoming: ChildIdSource): Promise<EmittedEvent[]> {
    const items = run.outbox[incoming.id] ?? [];
    const events = emissionsFor(run, items, this.deps.tools, await unavailableTools(run, items, this.deps.tools));
    const awaited = items.flatMap((item, index) => (events[index]?.awaitReply === true ? [itemId(run, incoming, item)] : []));
    if (awaited.length > 0) await this.deps.runs.await(run.userId, run.id, awaited);
    return events;
  }

  async #openingMessages(spec: RunStart): Promise<{ messages: Message[]; dropped: number }> {
    const user: Message = { role: 'user', content: spec.input };
    const history = spec.conversationId === undefined ? [] : await this.deps.conversations.messages(spec.trigger.userid, spec.agent.id, spec.conversationId);
    const toolTokens = estimateTokens(this.deps.tools.forScope(spec.agent.tools).map((tool) => ({ role: 'system', content: JSON.stringify(tool.inputSchema) + tool.description })));
    const reserved = estimateTokens([{ role: 'system', content: spec.systemPrompt }, user]) + toolTokens + (spec.agent.maxOutputTokens ?? DEFAULT_ANSWER_TOKENS);
    const { kept, dropped } = fitHistory(history, this.deps.contextWindow(spec.agent), reserved);
    const note = dropped > 0 ? `\n\n(${dropped} earlier messages of this conversation were left out to fit the model's context window.)` : '';
    return { messages: [{ role: 'system', content: spec.systemPrompt + note }, ...kept, user], dropped };
  }

  /** Adds the run's question and answer to its conversation. */
  async #remember(run: Run): Promise<void> {
    const question = run.messages.findLast((message) => message.role === 'user');
    const exchange: Message[] = question ? [question] : [];
    exchange.push({ role: 'assistant', content: run.text ?? '' });
    await this.deps.conversations.append(run.userId, run.agent.id, run.conversationId!, run.id, exchange);
  }
}
