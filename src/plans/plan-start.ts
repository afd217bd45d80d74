/**
 * Starting plans: from `instruction.run` (a manual run, a schedule's slot, a parent plan's
 * sub_plan step) or from an event that meets an instruction's trigger. The plan's id comes from
 * the starting event and the instruction, so a redelivered start finds the plan it created.
 *
 * Creation order: every node first, then the header (only if absent), then the roots start in a
 * transition. A crash before the header leaves nodes nobody reads (written again on redelivery);
 * after it, the redelivery's transition finds the roots started and publishes their requests again.
 * A node some start already advanced is never written again (PlanStore.putNodes): two deliveries
 * of one start may run at once, on two instances.
 */
import { z } from 'zod';
import { KernelError, isKernelError, type Envelope, type StateStore } from '../kernel/index.js';
import { emptyBits } from './bitset.js';
import type { PlanEngine } from './engine.js';
import { eventView } from './engine.js';
import { planEventEnvelope, TIMER_EVENT } from './envelopes.js';
import { evaluate, stepReferences, templateExpressions } from './expressions.js';
import { parseRequestId, PLAN_SOURCE, planIdFor } from './ids.js';
import { resolveInputs } from './inputs.js';
import type { TriggerInterest } from './interests.js';
import type { InstructionStore } from './instruction-store.js';
import type { PlanDefinition } from './plan-definition.js';
import type { Plan, PlanNode } from './plan-state.js';
import type { PlanStore } from './plan-store.js';
import { PlanIndex } from './plan-index.js';

export const runRequestSchema = z.strictObject({
  instruction: z.string().min(1).max(64),
  inputs: z.record(z.string(), z.unknown()).default({}),
});

const SLOT_KIND = 'instruction-slots';
const DEBOUNCE_KIND = 'instruction-debounce';
const slotSchema = z.object({ running: z.array(z.string()), queued: z.array(z.string()) });

export class PlanStarter {
  readonly index: PlanIndex;

  constructor(
    private readonly engine: PlanEngine,
    private readonly deps: { plans: PlanStore; instructions: InstructionStore; state: StateStore },
  ) {
    this.index = new PlanIndex(deps.state);
  }

  /** `instruction.run`: `{instruction, inputs?}`. */
  async run(event: Envelope): Promise<string> {
    const parsed = runRequestSchema.safeParse(event.data);
    if (!parsed.success) throw new KernelError('invalid_input', `instruction.run: ${z.prettifyError(parsed.error)}`);
    const parent = event.source === PLAN_SOURCE ? parseRequestId(event.id) : undefined;
    return this.start(event, parsed.data.instruction, parsed.data.inputs, parent && { planId: parent.planId, node: String(parent.index) });
  }

  async start(trigger: Envelope, instructionId: string, given: Record<string, unknown>, parent?: Plan['parent']): Promise<string> {
    const planId = planIdFor(trigger.id, instructionId);
    const existing = await this.deps.plans.getPlan(trigger.userid, planId);
    if (existing === undefined) await this.#create(planId, trigger, instructionId, given, parent);
    await this.#startRoots(trigger.userid, planId, trigger.id);
    return planId;
  }

  async #create(planId: string, trigger: Envelope, instructionId: string, given: Record<string, unknown>, parent: Plan['parent']): Promise<void> {
    const { summary, compiled } = await this.deps.instructions.compiled(trigger.userid, instructionId);
    const inputs = resolveInputs(compiled.instruction, given);
    const { definition } = compiled;
    const now = this.engine.deps.clock.now().toISOString();
    const nodes: PlanNode[] = definition.nodes.map((def) => ({ planId, def, status: 'pending', arrived: emptyBits(def.dependsOn.length), attempts: [] }));
    await this.deps.plans.putNodes(trigger.userid, nodes);
    const plan: Plan = {
      id: planId,
      userId: trigger.userid,
      instruction: { id: summary.id, version: summary.version, ...(summary.name !== undefined && { name: summary.name }) },
      status: 'queued',
      inputs,
      trigger: { id: trigger.id, type: trigger.type, time: trigger.time, ...(trigger.subject !== undefined && { subject: trigger.subject }), ...(trigger.data !== undefined && { data: trigger.data }) },
      correlationId: trigger.correlationid,
      depth: trigger.depth + 1,
      nodeCount: nodes.length,
      roots: definition.roots,
      regularCount: definition.nodes.filter((node) => !node.handler).length,
      doneBits: emptyBits(nodes.length),
      activeBits: emptyBits(nodes.length),
      failures: [],
      outputReads: outputReads(definition),
      ...(definition.outputs !== undefined && { outputTemplates: definition.outputs }),
      ...(parent !== undefined && { parent }),
      createdAt: now,
      updatedAt: now,
      round: 1,
    };
    if (summary.concurrency !== undefined) plan.concurrency = summary.concurrency;
    if (await this.deps.plans.createPlan(plan)) await this.index.add(plan);
  }

  /** Starts the roots unless the instruction's concurrency makes the plan wait (idempotent). */
  async #startRoots(userId: string, planId: string, cause: string): Promise<void> {
    const header = await this.deps.plans.getPlan(userId, planId);
    if (header === undefined) return;
    if (header.status === 'queued' && !(await this.#takeSlot(header))) return;
    const started = await this.engine.transition(userId, planId, cause, async (advance) => {
      const { t } = advance;
      if (t.plan.status === 'queued') {
        t.status = 'running';
        t.plan.status = 'running';
      }
      if (t.plan.status !== 'running') return;
      const roots = await t.nodes(t.plan.roots);
      const pending = [...roots.values()].filter((node) => node.status === 'pending');
      for (const node of roots.values()) if (node.status !== 'pending') t.touched.add(node.def.index);
      await advance.start(pending);
    });
    if (started !== undefined) await this.engine.deps.publish([planEventEnvelope(started, 'started')]);
  }

  /** Takes a running slot of the plan's instruction, or queues the plan; true when it may run. */
  async #takeSlot(plan: Plan): Promise<boolean> {
    if (plan.concurrency === undefined) return true;
    const key = plan.instruction.id;
    for (let round = 0; round < 16; round += 1) {
      const item = await this.deps.state.get(plan.userId, SLOT_KIND, key);
      const slots = item ? slotSchema.parse(item.value) : { running: [], queued: [] };
      if (slots.running.includes(plan.id)) return true;
      const runs = slots.running.length < plan.concurrency;
      const next = runs ? { running: [...slots.running, plan.id], queued: slots.queued.filter((id) => id !== plan.id) } : { running: slots.running, queued: slots.queued.includes(plan.id) ? slots.queued : [...slots.queued, plan.id] };
      try {
        await this.deps.state.put(plan.userId, SLOT_KIND, key, next, item ? { ifMatch: item.etag } : { ifNoneMatch: '*' });
        return runs;
      } catch (error) {
        if (!isKernelError(error, 'precondition_failed')) throw error;
      }
    }
    throw new KernelError('conflict', `the slots of instruction ${key} kept changing`, { retryable: true });
  }

  /** A plan ended: its slot goes to the oldest queued plan of the same instruction. */
  async release(plan: Plan): Promise<void> {
    if (plan.concurrency === undefined) return;
    const key = plan.instruction.id;
    for (let round = 0; round < 16; round += 1) {
      const item = await this.deps.state.get(plan.userId, SLOT_KIND, key);
      if (!item) return;
      const slots = slotSchema.parse(item.value);
      const running = slots.running.filter((id) => id !== plan.id);
      const queued = [...slots.queued];
      while (running.length < plan.concurrency && queued.length > 0) running.push(queued.shift()!);
      try {
        if (running.length !== slots.running.length || queued.length !== slots.queued.length || running.some((id, i) => id !== slots.running[i])) {
          await this.deps.state.put(plan.userId, SLOT_KIND, key, { running, queued }, { ifMatch: item.etag });
        }
        // Plans given a slot (now, or by a release a crash interrupted) start here.
        for (const id of running) if (id !== plan.id) await this.#startRoots(plan.userId, id, plan.id);
        return;
      } catch (error) {
        if (!isKernelError(error, 'precondition_failed')) throw error;
      }
    }
  }

  /** An event meeting instructions' event triggers: each whose condition holds starts a plan (debounced if asked). */
  async triggered(event: Envelope, triggers: readonly TriggerInterest[]): Promise<void> {
    for (const { instruction: id } of triggers) {
      const found = await this.deps.instructions.compiled(event.userid, id).catch((error: unknown) => {
        if (isKernelError(error, 'not_found')) return undefined;
        throw error;
      });
      const trigger = found?.compiled.instruction.trigger;
      if (trigger?.event === undefined) continue;
      if (trigger.condition !== undefined && !this.#holds(trigger.condition, event)) continue;
      if (trigger.debounce === undefined) {
        await this.start(event, id, {});
        continue;
      }
      if (await this.#debounce(event, id, trigger.debounce)) await this.start(event, id, {});
    }
  }

  #holds(condition: string, event: Envelope): boolean {
    try {
      return evaluate(condition, 'trigger', { event: eventView(event), now: this.engine.deps.clock.now() }) === true;
    } catch {
      return false; // an event without the fields the condition reads does not meet it
    }
  }

  /**
   * Leading (`first`): the first event of a burst starts a plan, others within the window are
   * dropped. Trailing (`last`): each event records itself as the latest and sets a timer for the
   * end of the window; when a timer fires, the plan starts only if its event is still the latest.
   */
  async #debounce(event: Envelope, instruction: string, debounce: { window: number; keep: 'first' | 'last' }): Promise<boolean> {
    const now = this.engine.deps.clock.now();
    const item = await this.deps.state.get(event.userid, DEBOUNCE_KIND, instruction);
    const current = item?.value as { eventId: string; until: string } | undefined;
    if (debounce.keep === 'first') {
      if (current !== undefined && current.eventId !== event.id && new Date(current.until) > now) return false;
      if (current?.eventId === event.id) return true;
      try {
        await this.deps.state.put(event.userid, DEBOUNCE_KIND, instruction, { eventId: event.id, until: new Date(now.getTime() + debounce.window).toISOString() }, item ? { ifMatch: item.etag } : { ifNoneMatch: '*' });
        return true;
      } catch (error) {
        if (isKernelError(error, 'precondition_failed')) return false; // another event of the burst won
        throw error;
      }
    }
    const at = new Date(now.getTime() + debounce.window);
    if (current?.eventId !== event.id) await this.deps.state.put(event.userid, DEBOUNCE_KIND, instruction, { eventId: event.id, until: at.toISOString() });
    await this.engine.deps.publish(
      [{ specversion: '1.0', id: `${event.id}.debounce.${instruction}`.slice(0, 128), type: TIMER_EVENT, source: PLAN_SOURCE, time: at.toISOString(), userid: event.userid, category: 'internal', correlationid: event.correlationid, causationid: event.id, depth: event.depth + 1, data: { debounce: instruction, eventId: event.id } }],
      at,
    );
    return false;
  }

  /** A trailing debounce's timer: start for its event if it is still the burst's last. */
  async debounced(timer: Envelope): Promise<void> {
    const data = z.object({ debounce: z.string(), eventId: z.string() }).parse(timer.data);
    const item = await this.deps.state.get(timer.userid, DEBOUNCE_KIND, data.debounce);
    if ((item?.value as { eventId?: string } | undefined)?.eventId !== data.eventId) return;
    const record = await this.engine.deps.events.get(timer.userid, data.eventId);
    if (record !== undefined) await this.start(record.event, data.debounce, {});
  }
}

/** The nodes a plan's outputs read: what its templates name, or its leaves (up to 20). */
function outputReads(definition: PlanDefinition): number[] {
  if (definition.outputs !== undefined) {
    const ids = new Set(templateExpressions(definition.outputs).flatMap(stepReferences));
    return definition.nodes.filter((node) => ids.has(node.id)).map((node) => node.index);
  }
  return definition.nodes.filter((node) => node.dependents.length === 0 && !node.handler).slice(0, 20).map((node) => node.index);
}
