/**
 * One change to one plan, made under the plan's lock: the header and the nodes it reads are
 * loaded once, changed in memory, then written (nodes with their ETags, so an instance that lost
 * a race retries the whole transition on fresh state; the header by read-modify-write of
 * idempotent changes: bits set, failures added). Only after every write succeeded are the
 * events it decided published (engine.ts): state first, then events.
 *
 * The header's bits are derived from the touched nodes as stored, read again after the header in
 * each round of its read-modify-write, not from the transition's own copies: a node it only read
 * (one it publishes again, or reconciles) may have been advanced by another instance since, and
 * a copy from before would set the header back (the node's done bit cleared for good, the plan
 * never completing). Any writer of a node writes the header after it, so the last header written
 * read every node after that node's last write. (Cosmos DB: this holds under Session consistency
 * or stronger, as nodes and header share a partition and reads in one session are monotonic.)
 */
import { KernelError, isKernelError } from '../kernel/index.js';
import { countBits, updateBits } from './bitset.js';
import { ACTIVE_NODE, DONE_NODE, NODE_KIND, FINISHED_PLAN, PLAN_KIND, nodeSchema, type Plan, type PlanNode, type PlanStatus } from './plan-state.js';
import { nodeKey, type PlanStore } from './plan-store.js';

interface Loaded {
  node: PlanNode;
  etag: string;
  dirty: boolean;
}

export class Transition {
  readonly #nodes = new Map<number, Loaded>();
  /** Nodes whose events (requests, timers, watches) should be (re)published after the writes. */
  readonly touched = new Set<number>();
  /** Ids of nodes whose failure fails the plan. */
  readonly failures = new Set<string>();
  /** A status the transition sets outright (cancel, retry, resume). */
  status: PlanStatus | undefined;

  constructor(
    readonly plan: Plan,
    private readonly store: PlanStore,
    /** The event being applied (causation of what the transition publishes). */
    readonly cause: string,
  ) {}

  get userId(): string {
    return this.plan.userId;
  }

  /** Whether new nodes may start: the plan runs (failure handlers also start while it fails). */
  get running(): boolean {
    const status = this.status ?? this.plan.status;
    return status === 'running';
  }

  async node(index: number): Promise<PlanNode> {
    return (await this.nodes([index])).get(index)!;
  }

  async nodes(indices: readonly number[]): Promise<Map<number, PlanNode>> {
    const missing = indices.filter((index) => !this.#nodes.has(index));
    for (const loaded of await this.#read(missing)) this.#nodes.set(loaded.node.def.index, loaded);
    const found = new Map<number, PlanNode>();
    for (const index of indices) {
      const loaded = this.#nodes.get(index);
      if (!loaded) throw new KernelError('internal', `plan ${this.plan.id} has no node ${index}`);
      found.set(index, loaded.node);
    }
    return found;
  }

  /** Marks a loaded node changed (written at commit) and touched (its events published). */
  changed(node: PlanNode): void {
    const loaded = this.#nodes.get(node.def.index);
    if (!loaded) throw new KernelError('internal', `node ${node.def.index} was not loaded`);
    loaded.node = node;
    loaded.dirty = true;
    this.touched.add(node.def.index);
  }

  touchedNodes(): PlanNode[] {
    return [...this.touched].map((index) => this.#nodes.get(index)!.node);
  }

  /**
   * Writes the changed nodes, then the header; returns the header as stored. A plan that
   * completes gets its outputs (`outputsOf`, reading the nodes just written) in the same write, so
   * nobody ever reads a completed plan without them.
   */
  async commit(now: string, outputsOf?: (plan: Plan) => Promise<Record<string, unknown>>): Promise<Plan> {
    const dirty = [...this.#nodes.values()].filter((loaded) => loaded.dirty);
    for (let start = 0; start < dirty.length; start += 64) {
      await Promise.all(
        dirty.slice(start, start + 64).map(async (loaded) => {
          try {
            const item = await this.store.state.put(this.userId, NODE_KIND, nodeKey(this.plan.id, loaded.node.def.index), loaded.node, { ifMatch: loaded.etag });
            loaded.etag = item.etag;
            loaded.dirty = false;
          } catch (error) {
            if (!isKernelError(error, 'precondition_failed')) throw error;
            throw new KernelError('conflict', `node ${loaded.node.def.id} of plan ${this.plan.id} was changed by another instance; applying again`, { retryable: true });
          }
        }),
      );
    }
    const touched = [...this.touched];
    for (let round = 1; round <= 16; round += 1) {
      const { plan: current, etag } = await this.store.getPlanItem(this.userId, this.plan.id);
      // The touched nodes as stored now, read after the header: a copy this transition only read
      // may have been advanced by another instance since, and must not set the header back.
      const stored = (await this.#read(touched)).map((loaded) => loaded.node);
      const next = applyToHeader(structuredClone(current), stored, this.failures, this.status, now);
      if (next === undefined) return current;
      if (next.status === 'completed' && next.outputs === undefined && outputsOf !== undefined) next.outputs = await outputsOf(next);
      try {
        await this.store.state.put(this.userId, PLAN_KIND, this.plan.id, next, { ifMatch: etag });
        return next;
      } catch (error) {
        if (!isKernelError(error, 'precondition_failed')) throw error;
      }
    }
    throw new KernelError('conflict', `plan ${this.plan.id} kept changing under this transition`, { retryable: true });
  }

  /** Nodes as stored now (in pages: a plan's roots may be thousands). */
  async #read(indices: readonly number[]): Promise<Loaded[]> {
    const found: Loaded[] = [];
    for (let start = 0; start < indices.length; start += 500) {
      const slice = indices.slice(start, start + 500);
      const items = await this.store.state.getMany(this.userId, NODE_KIND, slice.map((index) => nodeKey(this.plan.id, index)));
      for (const item of items) {
        const parsed = nodeSchema.safeParse(item.value);
        if (!parsed.success) throw new KernelError('internal', `stored node ${item.key} is malformed: ${parsed.error.message}`);
        found.push({ node: parsed.data, etag: item.etag, dirty: false });
      }
    }
    return found;
  }
}

/** The header after these nodes' states, failures and an outright status; undefined if unchanged. */
export function applyToHeader(plan: Plan, nodes: readonly PlanNode[], failures: ReadonlySet<string>, status: PlanStatus | undefined, now: string): Plan | undefined {
  const before = JSON.stringify(plan);
  const next = plan;
  const regularDone = nodes.filter((node) => !node.def.handler && DONE_NODE.has(node.status)).map((node) => node.def.index);
  const regularOpen = nodes.filter((node) => !node.def.handler && !DONE_NODE.has(node.status)).map((node) => node.def.index);
  next.doneBits = updateBits(next.doneBits, regularDone, regularOpen);
  const active = nodes.filter((node) => ACTIVE_NODE.has(node.status)).map((node) => node.def.index);
  const idle = nodes.filter((node) => !ACTIVE_NODE.has(node.status)).map((node) => node.def.index);
  next.activeBits = updateBits(next.activeBits, active, idle);
  if (status === 'running' && next.status === 'failed') {
    next.round += 1;
    next.failures = [];
    delete next.outputs;
    delete next.finishedAt;
    delete next.error;
  }
  if (status === 'running' && next.status === 'queued') next.startedAt = now;
  if (status !== undefined) next.status = status;
  for (const id of failures) if (!next.failures.includes(id)) next.failures.push(id);
  if (FINISHED_PLAN.has(next.status)) return JSON.stringify(next) === before ? undefined : { ...next, updatedAt: now };
  const activeCount = countBits(next.activeBits);
  if (next.failures.length > 0) next.status = activeCount === 0 ? 'failed' : 'failing';
  else if (next.status === 'running' && countBits(next.doneBits) === next.regularCount) next.status = 'completed';
  if (FINISHED_PLAN.has(next.status)) next.finishedAt = now;
  if (next.status === 'failed') next.error ??= `step ${next.failures.join(', ')} failed`;
  if (JSON.stringify(next) === before) return undefined;
  next.updatedAt = now;
  return next;
}
