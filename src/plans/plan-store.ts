/**
 * Plans in the StateStore (layout in plan-state.ts). Reads parse with the schemas (a malformed
 * item is an internal error, not a guess); changes are read-modify-write with ETags, retried a
 * few times when another writer got there first.
 */
import { KernelError, isKernelError, type StateStore } from '../kernel/index.js';
import { countBits } from './bitset.js';
import { NODE_KIND, PLAN_KIND, nodeSchema, planSchema, type Plan, type PlanNode } from './plan-state.js';

const MAX_ROUNDS = 16;

export function nodeKey(planId: string, index: number): string {
  return `${planId}/${String(index).padStart(6, '0')}`;
}

export class PlanStore {
  constructor(readonly state: StateStore) {}

  async getPlan(userId: string, planId: string): Promise<Plan | undefined> {
    const item = await this.state.get(userId, PLAN_KIND, planId);
    return item && parse(planSchema, item.value, `plan ${planId}`);
  }

  /** The header with its ETag; not_found when there is none. */
  async getPlanItem(userId: string, planId: string): Promise<{ plan: Plan; etag: string }> {
    const item = await this.state.get(userId, PLAN_KIND, planId);
    if (!item) throw new KernelError('not_found', `plan ${planId} does not exist`);
    return { plan: parse(planSchema, item.value, `plan ${planId}`), etag: item.etag };
  }

  async getNode(userId: string, planId: string, index: number): Promise<PlanNode | undefined> {
    const item = await this.state.get(userId, NODE_KIND, nodeKey(planId, index));
    return item && parse(nodeSchema, item.value, `node ${index} of plan ${planId}`);
  }

  async getNodes(userId: string, planId: string, indices: readonly number[]): Promise<Map<number, PlanNode>> {
    if (indices.length === 0) return new Map();
    const items = await this.state.getMany(userId, NODE_KIND, indices.map((index) => nodeKey(planId, index)));
    return new Map(items.map((item) => {
      const node = parse(nodeSchema, item.value, `a node of plan ${planId}`);
      return [node.def.index, node];
    }));
  }

  /** One page of a plan's nodes in index order, after `afterIndex`. */
  async listNodes(userId: string, planId: string, options: { afterIndex?: number; limit: number }): Promise<PlanNode[]> {
    const items = await this.state.list(userId, NODE_KIND, {
      keyPrefix: `${planId}/`,
      ...(options.afterIndex !== undefined && { afterKey: nodeKey(planId, options.afterIndex) }),
      limit: options.limit,
    });
    return items.map((item) => parse(nodeSchema, item.value, `a node of plan ${planId}`));
  }

  /**
   * Writes the nodes of a plan being created. One that exists already is written again only while
   * untouched (pending, nothing arrived, never started), with its ETag: another start of the same
   * plan (a second delivery of its trigger, at the same time) may have created the plan and
   * advanced it meanwhile, and a node written over as new would lose its attempt (its answer then
   * ignored, the plan stuck). Untouched ones are still written, so a start after a crash before
   * the header writes the instruction's current nodes.
   */
  async putNodes(userId: string, nodes: readonly PlanNode[]): Promise<void> {
    // Bounded parallelism: Cosmos DB and SQLite both do better with some, neither with 10,000 at once.
    for (let start = 0; start < nodes.length; start += 64) {
      await Promise.all(nodes.slice(start, start + 64).map((node) => this.#putNode(userId, node)));
    }
  }

  async #putNode(userId: string, node: PlanNode): Promise<void> {
    const key = nodeKey(node.planId, node.def.index);
    try {
      await this.state.put(userId, NODE_KIND, key, node, { ifNoneMatch: '*' });
      return;
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error;
    }
    const item = await this.state.get(userId, NODE_KIND, key);
    if (item === undefined || !untouched(parse(nodeSchema, item.value, `node ${node.def.index} of plan ${node.planId}`))) return;
    try {
      await this.state.put(userId, NODE_KIND, key, node, { ifMatch: item.etag });
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error; // started meanwhile: keep it
    }
  }

  /** Creates the header; false when it exists already (a redelivered start). */
  async createPlan(plan: Plan): Promise<boolean> {
    try {
      await this.state.put(plan.userId, PLAN_KIND, plan.id, plan, { ifNoneMatch: '*' });
      return true;
    } catch (error) {
      if (isKernelError(error, 'precondition_failed')) return false;
      throw error;
    }
  }

  /** Applies `change` to the header; `undefined` from it means nothing to write. Returns what is stored after. */
  updatePlan(userId: string, planId: string, change: (plan: Plan) => Plan | undefined | Promise<Plan | undefined>): Promise<Plan> {
    return this.#update(userId, PLAN_KIND, planId, (value) => parse(planSchema, value, `plan ${planId}`), change);
  }

  updateNode(userId: string, planId: string, index: number, change: (node: PlanNode) => PlanNode | undefined): Promise<PlanNode> {
    return this.#update(userId, NODE_KIND, nodeKey(planId, index), (value) => parse(nodeSchema, value, `node ${index} of plan ${planId}`), change);
  }

  async #update<T>(userId: string, kind: string, key: string, read: (value: unknown) => T, change: (value: T) => T | undefined | Promise<T | undefined>): Promise<T> {
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      const item = await this.state.get(userId, kind, key);
      if (!item) throw new KernelError('not_found', `${kind} ${key} does not exist`);
      const current = read(item.value);
      const changed = await change(structuredClone(current));
      if (changed === undefined) return current;
      try {
        await this.state.put(userId, kind, key, changed, { ifMatch: item.etag });
        return changed;
      } catch (error) {
        if (!isKernelError(error, 'precondition_failed')) throw error;
      }
    }
    throw new KernelError('conflict', `${kind} ${key} kept changing under this update`, { retryable: true });
  }
}

/** A node as created: nothing has happened to it yet. */
function untouched(node: PlanNode): boolean {
  return node.status === 'pending' && node.attempts.length === 0 && countBits(node.arrived) === 0 && node.handling === undefined;
}

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new KernelError('internal', `stored ${what} is malformed: ${parsed.error.message}`);
  return parsed.data;
}
