/**
 * The durable plan engine. Plans advance one transition at a time (transition.ts): an answer to
 * a node's request, a timer, a matching event for a waiting node, a cancel or a retry. Each
 * transition persists the plan's new state, then publishes what that state calls for through the
 * kernel's idempotent ingest, so a crash or a redelivery at any point converges: the transition
 * finds its change made, and publishes the same events again, which the bus and the event store
 * drop as duplicates. No step runs twice; none is lost.
 */
import { z } from 'zod';
import { KernelError, matchesType, type Clock, type Envelope, type EventStore, type Logger } from '../kernel/index.js';
import { Advance, propagates } from './activation.js';
import type { PlanTools, StepRuntime } from './step-runtime.js';
import { settlementOf } from './answers.js';
import { listBits } from './bitset.js';
import { planEventEnvelope, TIMER_EVENT } from './envelopes.js';
import { evaluate, render } from './expressions.js';
import { parseRequestId, planIdFor } from './ids.js';
import { WATCH_KIND, watchKey, type EventInterests, type WatchInterest } from './interests.js';
import type { InstructionStore } from './instruction-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { OutputStore } from './outputs.js';
import { ACTIVE_NODE, FINISHED_PLAN, type Plan, type PlanNode } from './plan-state.js';
import type { PlanStore } from './plan-store.js';
import { publicationOf, type Publication } from './publication.js';
import { traceTransition } from './trace-scope.js';
import { Transition } from './transition.js';

export interface PlanEngineDeps {
  plans: PlanStore;
  instructions: InstructionStore;
  interests: EventInterests;
  /** The event store: a wait looks there for events that arrived before its watch was seen. */
  events: EventStore;
  /** The kernel's ingest: events enter like any other, recorded, authorized and audited. */
  publish(events: readonly Envelope[], notBefore?: Date): Promise<void>;
  tools: PlanTools;
  clock: Clock;
  logger: Logger;
  /** How long a step waits for its result when it sets no timeout (default: no limit; the kernel answers an awaited event no driver handles). */
  resultTimeoutMs?: number;
}

const timerSchema = z.object({ plan: z.string(), node: z.number().int().min(0), attempt: z.number().int().min(1), kind: z.enum(['timeout', 'wake', 'rescan']) });
/** A timer may arrive this much before its deadline by another instance's clock. */
const CLOCK_SKEW_MS = 1000;
/** How many recent events of a waited-for type a wait looks through when it starts. */
const SCAN_LIMIT = 200;

export class PlanEngine {
  readonly #locks = new KeyedMutex();
  readonly outputs: OutputStore;
  readonly #runtime: StepRuntime;
  /** Runs after a plan ended (the starter hands its slot on). */
  afterFinish: ((plan: Plan) => Promise<void>) | undefined;

  constructor(readonly deps: PlanEngineDeps) {
    this.outputs = new OutputStore(deps.plans.state);
    this.#runtime = { now: () => deps.clock.now(), outputs: this.outputs, tools: deps.tools, resultTimeoutMs: deps.resultTimeoutMs };
  }

  /** An answer to a node's request: `awaited` is the request it answers. */
  async answer(event: Envelope, awaited: string): Promise<void> {
    const address = parseRequestId(awaited);
    if (address === undefined) return;
    await this.transition(event.userid, address.planId, event.id, async (advance) => {
      const node = await this.#node(advance, address.index);
      if (node !== undefined && settledBy(node, event.id)) return advance.reconcile(node); // applied before a crash: make its effects again
      if (node === undefined || node.attempts.length !== address.attempt) return; // an answer to an earlier attempt
      const attempt = node.attempts[node.attempts.length - 1]!;
      if (attempt.status !== 'running') return;
      const settlement = settlementOf(node.def, event);
      if (settlement.kind === 'success') await advance.complete(node, settlement.output, event.id);
      else if (settlement.kind === 'failure') await advance.failAttempt(node, settlement.error, event.id);
    });
  }

  async timer(event: Envelope): Promise<void> {
    const parsed = timerSchema.safeParse(event.data);
    if (!parsed.success) throw new KernelError('invalid_input', `${TIMER_EVENT}: ${z.prettifyError(parsed.error)}`);
    const { plan, node: index, attempt, kind } = parsed.data;
    if (kind === 'rescan') {
      const node = await this.deps.plans.getNode(event.userid, plan, index);
      if (node?.status === 'waiting' && node.attempts.length === attempt) await this.#scan(event.userid, plan, node);
      return;
    }
    await this.transition(event.userid, plan, event.id, async (advance) => {
      const found = await this.#node(advance, index);
      if (found !== undefined && settledBy(found, event.id)) return advance.reconcile(found); // applied before a crash
      const node = found?.attempts.length === attempt ? found : undefined;
      if (node?.deadline === undefined) return;
      if (this.deps.clock.now().getTime() < new Date(node.deadline).getTime() - CLOCK_SKEW_MS) return; // early (or not ours)
      if (kind === 'wake' && node.status === 'sleeping') await advance.complete(node, { until: node.deadline }, event.id);
      else if (kind === 'timeout' && node.status === 'waiting') await advance.fail(node, { code: 'timeout', message: `no matching event came before ${node.deadline}` });
      else if (kind === 'timeout' && (node.status === 'running' || node.status === 'retrying')) await advance.failAttempt(node, { code: 'timeout', message: `no result came before ${node.deadline}` }, event.id);
    });
  }

  /** An event a waiting node may be waiting for. */
  async watched(event: Envelope, watches: readonly WatchInterest[]): Promise<void> {
    for (const watch of watches) await this.#offer(event, watch.planId, watch.index, watch.attempt);
  }

  async #offer(event: Envelope, planId: string, index: number, attemptNumber: number): Promise<boolean> {
    let matched = false;
    await this.transition(event.userid, planId, event.id, async (advance) => {
      const node = await this.#node(advance, index);
      if (node !== undefined && settledBy(node, event.id)) {
        matched = true;
        return advance.reconcile(node); // applied before a crash
      }
      if (node?.status !== 'waiting' || node.attempts.length !== attemptNumber) return;
      const vars = await advance.vars(node);
      const position = (node.def.events ?? []).findIndex((each) => matchesType(each.type, event.type) && (each.match === undefined || this.#matches(each.match, { ...vars, event: eventView(event) })));
      if (position < 0) return;
      matched = true;
      await advance.complete(node, { ...eventView(event), matched: position }, event.id);
    });
    return matched;
  }

  /** A match that cannot be evaluated for this event (a field it lacks) is no match. */
  #matches(expression: string, vars: Record<string, unknown>): boolean {
    try {
      return evaluate(expression, 'match', vars) === true;
    } catch {
      return false;
    }
  }

  async cancel(userId: string, planId: string): Promise<Plan> {
    const children: Array<{ planId: string }> = [];
    const plan = await this.transition(userId, planId, `${planId}.cancel`, async (advance) => {
      if (FINISHED_PLAN.has(advance.t.plan.status)) return;
      advance.t.status = 'cancelled';
      const now = this.deps.clock.now().toISOString();
      for (const node of (await advance.t.nodes(listBits(advance.t.plan.activeBits))).values()) {
        if (!ACTIVE_NODE.has(node.status)) continue;
        const attempt = node.attempts[node.attempts.length - 1];
        if (attempt?.status === 'running') Object.assign(attempt, { status: 'failed', finishedAt: now, error: { code: 'cancelled', message: 'the plan was cancelled' } });
        if (node.def.action === 'sub_plan' && attempt?.requestId !== undefined) children.push({ planId: planIdFor(attempt.requestId, node.def.instruction!) });
        node.status = 'cancelled';
        node.finishedAt = now;
        delete node.deadline;
        advance.t.changed(node);
      }
    });
    if (plan === undefined) throw new KernelError('not_found', `no plan "${planId}"`);
    for (const child of children) await this.cancel(userId, child.planId).catch(() => undefined);
    return plan;
  }

  /** Runs a failed plan's failed nodes again (and the nodes that were ready when it failed). */
  async retry(userId: string, planId: string): Promise<Plan> {
    const plan = await this.transition(userId, planId, `${planId}.retry`, async (advance) => {
      const { t } = advance;
      if (t.plan.status !== 'failed') throw new KernelError('conflict', `plan ${planId} is ${t.plan.status}; only a failed plan can be retried`);
      t.status = 'running';
      const again: PlanNode[] = [];
      for (let after: number | undefined; ; ) {
        const page = await this.deps.plans.listNodes(userId, planId, { ...(after !== undefined && { afterIndex: after }), limit: 500 });
        const loaded = await t.nodes(page.map((node) => node.def.index));
        for (const node of loaded.values()) {
          if (node.status === 'ready' || (node.status === 'failed' && t.plan.failures.includes(node.def.id))) {
            node.status = 'pending';
            t.changed(node);
            again.push(node);
          }
        }
        if (page.length < 500) break;
        after = page[page.length - 1]!.def.index;
      }
      await advance.start(again);
    });
    if (plan === undefined) throw new KernelError('not_found', `no plan "${planId}"`);
    return plan;
  }

  /**
   * Runs `change` under the plan's lock on fresh state, commits, publishes. Returns the header as
   * stored after, or undefined when there is no such plan.
   */
  async transition(userId: string, planId: string, cause: string, change: (advance: Advance) => Promise<void>): Promise<Plan | undefined> {
    let publication: Publication | undefined;
    const plan = await this.#locks.run(planId, async () => {
      const header = await this.deps.plans.getPlan(userId, planId);
      if (header === undefined) return undefined;
      const t = new Transition(header, this.deps.plans, cause);
      const advance = new Advance(t, this.#runtime);
      await change(advance);
      // A template that cannot be rendered (a field a step did not return) is reported in the outputs, not retried for ever.
      const committed = await t.commit(this.deps.clock.now().toISOString(), (plan) => this.#outputsOf(plan).catch((error: unknown) => ({ error: `the outputs could not be rendered: ${(error as Error).message}` })));
      publication = await publicationOf(committed, t.touchedNodes(), advance, this.deps.clock.now(), this.deps.interests.cacheMs * 2 + 1000);
      traceTransition(committed, t.touchedNodes());
      return committed;
    });
    if (plan === undefined || publication === undefined) return plan;
    await this.#publish(userId, publication);
    return FINISHED_PLAN.has(plan.status) ? this.#finished(plan) : plan;
  }

  async #publish(userId: string, publication: Publication): Promise<void> {
    const now = publication.events.filter((each) => each.notBefore === undefined).map((each) => each.event);
    if (now.length > 0) await this.deps.publish(now);
    for (const later of publication.events) if (later.notBefore !== undefined) await this.deps.publish([later.event], later.notBefore);
    await Promise.all(publication.unwatch.flatMap((node) => (node.def.events ?? []).map((each) => this.deps.plans.state.delete(userId, WATCH_KIND, watchKey(each.type, node.planId, node.def.index)))));
    if (publication.unwatch.length > 0) this.deps.interests.invalidate(userId);
    for (const node of publication.waiting) {
      // Watch first, then look back: an event stored before the watch is found by the scan, one
      // routed after it by the watch, so none falls between (a known failure of other engines).
      const attempt = node.attempts.length;
      await Promise.all(
        (node.def.events ?? []).map((each, position) =>
          this.deps.plans.state.put(userId, WATCH_KIND, watchKey(each.type, node.planId, node.def.index), { pattern: each.type, planId: node.planId, index: node.def.index, attempt, position } satisfies WatchInterest),
        ),
      );
      this.deps.interests.invalidate(userId);
      await this.#scan(userId, node.planId, node);
    }
  }

  /** Looks for an event that arrived since the node started waiting, oldest first. */
  async #scan(userId: string, planId: string, node: PlanNode): Promise<void> {
    const since = node.readyAt === undefined ? undefined : new Date(node.readyAt);
    const records = await this.deps.events.list(userId, { types: (node.def.events ?? []).map((each) => each.type), ...(since && { since }), limit: SCAN_LIMIT });
    for (const record of records.reverse()) {
      if (record.event.source === '/drivers/plans' && record.event.type === TIMER_EVENT) continue;
      if (await this.#offer(record.event, planId, node.def.index, node.attempts.length)) return;
    }
  }

  /** After a plan ended: its finished event, its slot. */
  async #finished(plan: Plan): Promise<Plan> {
    await this.deps.publish([planEventEnvelope(plan, 'finished')]);
    await this.afterFinish?.(plan);
    return plan;
  }

  async #outputsOf(plan: Plan): Promise<Record<string, unknown>> {
    const transition = new Transition(plan, this.deps.plans, plan.id);
    const nodes = [...(await transition.nodes(plan.outputReads)).values()];
    const steps: Record<string, unknown> = {};
    for (const node of nodes) steps[node.def.id] = { status: node.status, output: propagates(node) ? await this.outputs.outputOf(plan.userId, node) : null };
    if (plan.outputTemplates !== undefined) {
      const vars = { inputs: plan.inputs, steps, trigger: plan.trigger, plan: { id: plan.id, instruction: plan.instruction.id, started_at: plan.startedAt ?? plan.createdAt }, now: new Date(plan.finishedAt ?? plan.updatedAt) };
      return render(plan.outputTemplates, vars, new Set()) as Record<string, unknown>;
    }
    // By default, the outputs of the steps nothing depends on (outputReads holds up to 20 of them).
    const outputs = Object.fromEntries(Object.entries(steps).map(([id, step]) => [id, (step as { output: unknown }).output]));
    const text = JSON.stringify(outputs);
    return text.length > 64 * 1024 ? { note: `the outputs are ${text.length} characters; name what you need in the instruction's outputs, or read the steps` } : outputs;
  }

  /** A node of a plan still under way. */
  async #node(advance: Advance, index: number): Promise<PlanNode | undefined> {
    if (FINISHED_PLAN.has(advance.t.plan.status) || index >= advance.t.plan.nodeCount) return undefined;
    return advance.t.node(index);
  }

  /** Start a plan (plan-start.ts) needs the same lock. */
  locked<T>(planId: string, work: () => Promise<T>): Promise<T> {
    return this.#locks.run(planId, work);
  }

  get runtime(): StepRuntime {
    return this.#runtime;
  }
}

/** Whether `eventId` settled one of the node's attempts (and may have been cut short by a crash). */
function settledBy(node: PlanNode, eventId: string): boolean {
  return node.attempts.some((attempt) => attempt.settledBy === eventId);
}

/** What a wait's `match` sees of an event, and what a wait's output holds. */
export function eventView(event: Envelope): Record<string, unknown> {
  return { id: event.id, type: event.type, source: event.source, subject: event.subject ?? '', time: event.time, data: event.data ?? null };
}

