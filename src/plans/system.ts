/**
 * The plans subsystem as the wiring builds it and the API uses it: instructions (save, list,
 * read, delete, run), plans (read with their nodes, list, cancel, retry), and the driver and
 * routes the kernel needs.
 */
import { KernelError, type Clock, type Driver, type DynamicRoutes, type Envelope, type EventStore, type Logger, type StateStore } from '../kernel/index.js';
import type { PlanTools } from './step-runtime.js';
import { PlanEngine } from './engine.js';
import { planIdFor } from './ids.js';
import { resolveInputs } from './inputs.js';
import { EventInterests } from './interests.js';
import { InstructionStore, RUN_INSTRUCTION, type InstructionSchedules } from './instruction-store.js';
import { FINISHED_PLAN, type Plan, type PlanNode, type PlanStatus } from './plan-state.js';
import { PlanStarter } from './plan-start.js';
import { PlanStore } from './plan-store.js';
import { createPlansDriver, planRoutes } from './plans-driver.js';
import { latestRequestId, nodeView, planView, type NodeView } from './views.js';

export interface PlanSystemDeps {
  state: StateStore;
  events: EventStore;
  schedules: InstructionSchedules;
  tools: PlanTools;
  publish(events: readonly Envelope[], notBefore?: Date): Promise<void>;
  clock: Clock;
  logger: Logger;
  resultTimeoutMs?: number;
  maxInstructionsPerUser?: number;
}

/** Request events read per `getMany` when a page of nodes shows their resolved inputs. */
const REQUESTS_PER_READ = 500;

export interface PlanListQuery {
  status?: PlanStatus;
  instruction?: string;
  limit: number;
  cursor?: string;
}

export class PlanSystem {
  readonly instructions: InstructionStore;
  readonly engine: PlanEngine;
  readonly starter: PlanStarter;
  readonly driver: Driver;
  readonly routes: DynamicRoutes;
  readonly #plans: PlanStore;

  constructor(private readonly deps: PlanSystemDeps) {
    const interests = new EventInterests(deps.state, () => deps.clock.now().getTime());
    this.#plans = new PlanStore(deps.state);
    this.instructions = new InstructionStore({
      state: deps.state,
      schedules: deps.schedules,
      interests,
      compile: { knownTool: (name) => deps.tools.has(name) },
      now: () => deps.clock.now(),
      ...(deps.maxInstructionsPerUser !== undefined && { maxPerUser: deps.maxInstructionsPerUser }),
    });
    this.engine = new PlanEngine({ plans: this.#plans, instructions: this.instructions, interests, events: deps.events, publish: (events, notBefore) => deps.publish(events, notBefore), tools: deps.tools, clock: deps.clock, logger: deps.logger, ...(deps.resultTimeoutMs !== undefined && { resultTimeoutMs: deps.resultTimeoutMs }) });
    this.starter = new PlanStarter(this.engine, { plans: this.#plans, instructions: this.instructions, state: deps.state });
    this.engine.afterFinish = (plan) => this.starter.release(plan);
    this.driver = createPlansDriver(this.engine, this.starter, interests);
    this.routes = planRoutes(interests);
  }

  /**
   * What a run of an instruction publishes: an `instruction.run` event, checked here first (the
   * instruction exists, the inputs fit) so the caller gets a 400 or 404 instead of a failed plan.
   */
  async runEvent(userId: string, instructionId: string, inputs: Record<string, unknown>): Promise<{ type: string; data: unknown }> {
    const { instruction } = await this.instructions.get(userId, instructionId);
    resolveInputs(instruction, inputs);
    return { type: RUN_INSTRUCTION, data: { instruction: instructionId, inputs } };
  }

  planIdOf(eventId: string, instructionId: string): string {
    return planIdFor(eventId, instructionId);
  }

  async get(userId: string, planId: string, nodes: { after?: number; limit: number }): Promise<{ plan: Record<string, unknown>; nodes: NodeView[]; nextNodes?: number }> {
    const plan = await this.#plans.getPlan(userId, planId);
    if (plan === undefined) throw new KernelError('not_found', `no plan "${planId}"`);
    const page = await this.#plans.listNodes(userId, planId, { ...(nodes.after !== undefined && { afterIndex: nodes.after }), limit: nodes.limit });
    const dependencies = [...new Set(page.flatMap((node) => node.def.dependsOn))].filter((index) => !page.some((node) => node.def.index === index));
    const named = await this.#plans.getNodes(userId, planId, dependencies);
    const ids = new Map<number, string>([...page, ...named.values()].map((node) => [node.def.index, node.def.id]));
    const last = page[page.length - 1];
    const requests = await this.#requestData(userId, page);
    const views = page.map((node) => {
      const view = nodeView(node, ids);
      const requestId = latestRequestId(node);
      if (requestId !== undefined && requests.has(requestId)) view.resolvedInput = requests.get(requestId);
      return view;
    });
    return { plan: planView(plan), nodes: views, ...(page.length === nodes.limit && last && { nextNodes: last.def.index }) };
  }

  /** The data of the nodes' latest request events, read in one `getMany` per REQUESTS_PER_READ ids. */
  async #requestData(userId: string, page: readonly PlanNode[]): Promise<Map<string, unknown>> {
    const ids = page.flatMap((node) => latestRequestId(node) ?? []);
    const data = new Map<string, unknown>();
    for (let start = 0; start < ids.length; start += REQUESTS_PER_READ) {
      for (const record of await this.deps.events.getMany(userId, ids.slice(start, start + REQUESTS_PER_READ))) data.set(record.id, record.event.data);
    }
    return data;
  }

  async list(userId: string, query: PlanListQuery): Promise<{ plans: Array<Record<string, unknown>>; cursor?: string }> {
    const found: Plan[] = [];
    let cursor = query.cursor;
    // Filters apply to headers; read index pages until the page is full or the index ends.
    for (let pages = 0; pages < 20 && found.length < query.limit; pages += 1) {
      const page = await this.starter.index.page(userId, query.limit, cursor);
      for (const entry of page) {
        cursor = entry.key;
        const plan = await this.#plans.getPlan(userId, entry.planId);
        if (plan === undefined || (query.status !== undefined && plan.status !== query.status) || (query.instruction !== undefined && plan.instruction.id !== query.instruction)) continue;
        found.push(plan);
        if (found.length >= query.limit) break;
      }
      if (page.length < query.limit) return { plans: found.map(planView) };
    }
    return { plans: found.map(planView), ...(cursor !== undefined && { cursor }) };
  }

  async cancel(userId: string, planId: string): Promise<Record<string, unknown>> {
    return planView(await this.engine.cancel(userId, planId));
  }

  async retry(userId: string, planId: string): Promise<Record<string, unknown>> {
    return planView(await this.engine.retry(userId, planId));
  }

  static isFinished(status: PlanStatus): boolean {
    return FINISHED_PLAN.has(status);
  }
}
