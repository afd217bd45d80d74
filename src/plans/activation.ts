/**
 * How nodes move, inside a Transition (transition.ts). A node starts when every dependency is
 * done (completed, skipped, or failed with `on_failure: continue` or a handler that completed):
 * its condition is evaluated, its templates rendered, its first attempt recorded. What finishes
 * a node carries on to its dependents through a work list (a chain of skipped steps is a loop,
 * not a recursion 10,000 deep).
 *
 * Skipped steps: a step whose condition is false is `skipped`, with a null output; its
 * dependents still run (they can test `steps.x.status == 'skipped'`), as after a completed step.
 */
import { countBits, hasBit, updateBits } from './bitset.js';
import { evaluate, render } from './expressions.js';
import { requestId } from './ids.js';
import { DONE_NODE, type NodeError, type PlanNode } from './plan-state.js';
import type { RenderedRequest, StepRuntime } from './step-runtime.js';
import type { Transition } from './transition.js';

export class Advance {
  readonly requests = new Map<string, RenderedRequest>();
  readonly #queue: PlanNode[] = [];
  /**
   * One instant for the whole transition: steps that become ready together (a plan's roots, the
   * dependents of one answer) get the same `readyAt` and see the same `now`, so one step's
   * `now - duration('24h')` and another's `now` meet exactly.
   */
  readonly #now: Date;

  constructor(
    readonly t: Transition,
    private readonly rt: StepRuntime,
  ) {
    this.#now = rt.now();
  }

  /** Starts nodes whose dependencies are done (roots, retried nodes). */
  async start(nodes: readonly PlanNode[]): Promise<void> {
    for (const node of nodes) await this.#activate(node);
    await this.#drain();
  }

  /**
   * Makes again what settling `node` made, for an event that settled it before a crash cut the
   * transition short: its state in the header, its failure, its handler, its dependents.
   */
  async reconcile(node: PlanNode): Promise<void> {
    this.t.touched.add(node.def.index);
    if (node.status !== 'failed') {
      await this.carryOn(node);
      return;
    }
    const policy = node.def.onFailure;
    if (policy === 'fail') this.t.failures.add(node.def.id);
    else if (policy !== 'continue' && node.handled !== true) await this.#handle(node, policy);
    await this.carryOn(node);
  }

  /** Carries a done node's result on to its dependents (also again, after a crash). */
  async carryOn(node: PlanNode): Promise<void> {
    this.#queue.push(node);
    await this.#drain();
  }

  async complete(node: PlanNode, output: unknown, settledBy: string): Promise<void> {
    const attempt = node.attempts[node.attempts.length - 1];
    const kept = await this.rt.outputs.keep(this.t.userId, `${node.planId}/${node.def.index}/${attempt?.number ?? 0}`, output);
    if ('output' in kept) node.output = kept.output;
    else node.outputRef = kept.outputRef;
    const now = this.#now.toISOString();
    if (attempt) Object.assign(attempt, { status: 'completed', finishedAt: now, settledBy });
    node.status = 'completed';
    node.finishedAt = now;
    delete node.deadline;
    this.t.changed(node);
    await this.carryOn(node);
  }

  /** An attempt failed: retried after a backoff while attempts remain, otherwise the node fails. */
  async failAttempt(node: PlanNode, error: NodeError, settledBy: string): Promise<void> {
    const now = this.#now;
    const attempt = node.attempts[node.attempts.length - 1];
    if (attempt) Object.assign(attempt, { status: 'failed', finishedAt: now.toISOString(), settledBy, error });
    const { retry } = node.def;
    const retriable = error.code !== 'denied' && node.def.action !== 'wait_for_event' && node.def.action !== 'sleep';
    const number = (attempt?.number ?? 0) + 1;
    if (retriable && number <= retry.attempts && this.t.running) {
      const backoff = Math.min(retry.backoffMs * retry.factor ** (number - 2), retry.maxBackoffMs);
      const at = new Date(now.getTime() + backoff);
      node.attempts.push({ number, requestId: requestId(node.planId, node.def.index, number), startedAt: at.toISOString(), status: 'running' });
      node.status = 'retrying';
      this.#setDeadline(node, at);
      this.t.changed(node);
      return;
    }
    await this.fail(node, error);
  }

  async fail(node: PlanNode, error: NodeError): Promise<void> {
    const now = this.#now.toISOString();
    const attempt = node.attempts[node.attempts.length - 1];
    if (attempt?.status === 'running') Object.assign(attempt, { status: 'failed', finishedAt: now, error });
    node.status = 'failed';
    node.error = error;
    node.finishedAt = now;
    delete node.deadline;
    this.t.changed(node);
    const policy = node.def.onFailure;
    if (policy === 'continue') this.#queue.push(node);
    else if (policy === 'fail') this.t.failures.add(node.def.id);
    else await this.#handle(node, policy);
    await this.#drain();
  }

  async #handle(failed: PlanNode, handlerIndex: number): Promise<void> {
    const handler = await this.t.node(handlerIndex);
    if (handler.status === 'completed') {
      failed.handled = true;
      this.#queue.push(failed);
    } else if (handler.status === 'failed' || handler.status === 'cancelled') {
      this.t.failures.add(failed.def.id);
    } else {
      handler.handling = [...new Set([...(handler.handling ?? []), failed.def.index])];
      this.t.changed(handler);
      if (handler.status === 'pending') await this.#activate(handler);
    }
  }

  async #drain(): Promise<void> {
    const visited = new Set<number>();
    while (this.#queue.length > 0) {
      const done = this.#queue.shift()!;
      if (visited.has(done.def.index)) continue;
      visited.add(done.def.index);
      if (done.def.handler && done.status === 'completed') {
        for (const handled of (await this.t.nodes(done.handling ?? [])).values()) {
          if (handled.handled === true) continue;
          handled.handled = true;
          this.t.changed(handled);
          this.#queue.push(handled);
        }
      }
      if (!propagates(done)) continue;
      const dependents = await this.t.nodes(done.def.dependents);
      for (const dependent of dependents.values()) {
        const position = dependent.def.dependsOn.indexOf(done.def.index);
        if (position < 0) continue;
        if (!hasBit(dependent.arrived, position)) {
          dependent.arrived = updateBits(dependent.arrived, [position]);
          this.t.changed(dependent);
        } else if (dependent.status !== 'pending') {
          // Started before: publish its events again, and if it is done, carry it on too (a crash may have cut either short).
          this.t.touched.add(dependent.def.index);
          if (DONE_NODE.has(dependent.status)) this.#queue.push(dependent);
        }
        if (dependent.status === 'pending' && allArrived(dependent)) await this.#activate(dependent);
      }
    }
  }

  async #activate(node: PlanNode): Promise<void> {
    if (node.status !== 'pending' && node.status !== 'ready') return;
    if (!this.t.running && !(node.def.handler && this.t.plan.status !== 'cancelled')) {
      if (node.status === 'pending') {
        node.status = 'ready';
        this.t.changed(node);
      }
      return;
    }
    const now = this.#now;
    node.readyAt = now.toISOString();
    delete node.error;
    this.t.changed(node);
    let vars: Record<string, unknown>;
    try {
      vars = await this.vars(node);
      if (node.def.condition !== undefined && evaluate(node.def.condition, 'step', vars) !== true) {
        node.status = 'skipped';
        node.reason = `its condition was false: ${node.def.condition}`;
        node.finishedAt = node.readyAt;
        node.output = null;
        this.#queue.push(node);
        return;
      }
    } catch (error) {
      await this.fail(node, { code: 'condition_error', message: `the condition could not be evaluated: ${(error as Error).message}` });
      return;
    }
    const number = node.attempts.length + 1;
    const { def } = node;
    if (def.action === 'wait_for_event' || def.action === 'sleep') {
      node.attempts.push({ number, startedAt: node.readyAt, status: 'running' });
      if (def.action === 'wait_for_event') {
        node.status = 'waiting';
        if (def.timeoutMs !== undefined) node.deadline = new Date(now.getTime() + def.timeoutMs).toISOString();
        return;
      }
      const until = this.#sleepUntil(node, vars, now);
      if (typeof until === 'string') {
        await this.fail(node, { code: 'template_error', message: until });
        return;
      }
      if (until.getTime() <= now.getTime()) {
        await this.complete(node, { until: until.toISOString() }, node.planId);
        return;
      }
      node.status = 'sleeping';
      node.deadline = until.toISOString();
      return;
    }
    const id = requestId(node.planId, def.index, number);
    try {
      this.requests.set(id, this.renderRequest(node, vars));
    } catch (error) {
      node.attempts.push({ number, requestId: id, startedAt: node.readyAt, status: 'running' });
      await this.fail(node, { code: 'template_error', message: (error as Error).message });
      return;
    }
    node.attempts.push({ number, requestId: id, startedAt: node.readyAt, status: 'running' });
    if (def.action === 'emit_event' && def.wait === 'none') {
      await this.complete(node, { eventId: id }, id);
      return;
    }
    node.status = 'running';
    this.#setDeadline(node, now);
  }

  /** When a sleep ends, or why its `until` is not a time. */
  #sleepUntil(node: PlanNode, vars: Record<string, unknown>, now: Date): Date | string {
    if (node.def.durationMs !== undefined) return new Date(now.getTime() + node.def.durationMs);
    let rendered: unknown;
    try {
      rendered = render(node.def.until, vars, new Set());
    } catch (error) {
      return `until could not be rendered: ${(error as Error).message}`;
    }
    const until = typeof rendered === 'string' ? new Date(rendered) : undefined;
    return until === undefined || Number.isNaN(until.getTime()) ? `until rendered ${JSON.stringify(rendered)}, not an RFC 3339 time` : until;
  }

  #setDeadline(node: PlanNode, from: Date): void {
    const timeout = node.def.timeoutMs ?? this.rt.resultTimeoutMs;
    if (timeout === undefined) delete node.deadline;
    else node.deadline = new Date(from.getTime() + timeout).toISOString();
  }

  /** The request of a node's current attempt (emit_event, call_tool, sub_plan). */
  renderRequest(node: PlanNode, vars: Record<string, unknown>): RenderedRequest {
    const { def } = node;
    const none = new Set<string>(); // shorthand was expanded at compile time
    if (def.action === 'call_tool') {
      const args = render(def.arguments ?? {}, vars, none) as Record<string, unknown>;
      return this.rt.tools.toEvent(def.tool!, args);
    }
    if (def.action === 'sub_plan') return { type: 'instruction.run', data: { instruction: def.instruction, inputs: render(def.inputs ?? {}, vars, none) } };
    const event = def.event!;
    const request: RenderedRequest = { type: event.type };
    if (event.data !== undefined) request.data = render(event.data, vars, none);
    if (event.subject !== undefined) request.subject = String(render(event.subject, vars, none));
    return request;
  }

  /** What a node's expressions see (see expressions.ts). */
  async vars(node: PlanNode): Promise<Record<string, unknown>> {
    const { plan } = this.t;
    const reads = [...node.def.reads, ...(node.handling ?? [])];
    const steps: Record<string, unknown> = {};
    for (const read of (await this.t.nodes(reads)).values()) {
      steps[read.def.id] = {
        status: read.status,
        output: read.status === 'completed' ? await this.rt.outputs.outputOf(plan.userId, read) : null,
        ...(read.error !== undefined && { error: read.error }),
      };
    }
    return {
      inputs: plan.inputs,
      steps,
      trigger: { id: plan.trigger.id, type: plan.trigger.type, subject: plan.trigger.subject ?? '', data: plan.trigger.data ?? null, time: plan.trigger.time },
      plan: { id: plan.id, instruction: plan.instruction.id, started_at: plan.startedAt ?? plan.createdAt },
      now: new Date(node.readyAt ?? plan.createdAt),
    };
  }
}

function allArrived(node: PlanNode): boolean {
  return countBits(node.arrived) === node.def.dependsOn.length;
}

/** Whether a done node lets its dependents go on. */
export function propagates(node: PlanNode): boolean {
  if (node.status === 'completed' || node.status === 'skipped') return true;
  return node.status === 'failed' && (node.def.onFailure === 'continue' || node.handled === true);
}
