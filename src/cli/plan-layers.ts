/**
 * What `vextir plan status` reads from GET /api/plans/{id} (the CLI is an HTTP client: these are
 * the wire shapes it relies on, not the server's types), and the plan's DAG cut into layers.
 */

export interface PlanView {
  id: string;
  status: string;
  instruction: { id: string; version: number; name?: string };
  progress: { nodes: number; done: number; active: number };
  failures?: string[];
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Runs of the plan: 1, and one more per retry. */
  round?: number;
}

export interface AttemptView {
  number: number;
  status: string;
  startedAt: string;
  finishedAt?: string;
  error?: { code: string; message: string };
}

export interface NodeView {
  id: string;
  index: number;
  action: string;
  status: string;
  /** Step ids. */
  dependsOn: string[];
  attempts: AttemptView[];
  output?: unknown;
  outputRef?: { bytes: number; chunks: number };
  error?: { code: string; message: string };
  reason?: string;
  readyAt?: string;
  finishedAt?: string;
  deadline?: string;
  durationMs?: number;
}

export const FINISHED_PLAN: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
/** Node statuses with work under way (the server's ACTIVE_NODE). */
export const ACTIVE_NODE: ReadonlySet<string> = new Set(['running', 'waiting', 'sleeping', 'retrying']);

/**
 * The nodes in topological layers: a step's layer is 1 + the deepest layer of its dependencies
 * (0 for a step that depends on nothing), each layer in index order. Kahn's algorithm, so a
 * 10,000-step chain needs no recursion. Dependencies the list does not hold are ignored; a node
 * on a cycle (the compiler refuses them) would land in a last layer rather than vanish.
 */
export function layersOf(nodes: readonly NodeView[]): NodeView[][] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of nodes) {
    const known = new Set(node.dependsOn.filter((dependency) => byId.has(dependency) && dependency !== node.id));
    waiting.set(node.id, known.size);
    for (const dependency of known) {
      const list = dependents.get(dependency);
      if (list === undefined) dependents.set(dependency, [node.id]);
      else list.push(node.id);
    }
  }
  const depth = new Map<string, number>();
  const queue = nodes.filter((node) => waiting.get(node.id) === 0).map((node) => node.id);
  for (const id of queue) depth.set(id, 0);
  for (let head = 0; head < queue.length; head += 1) {
    const id = queue[head]!;
    const next = depth.get(id)! + 1;
    for (const dependent of dependents.get(id) ?? []) {
      depth.set(dependent, Math.max(depth.get(dependent) ?? 0, next));
      const left = waiting.get(dependent)! - 1;
      waiting.set(dependent, left);
      if (left === 0) queue.push(dependent);
    }
  }
  let deepest = -1;
  for (const value of depth.values()) deepest = Math.max(deepest, value);
  const placed = new Set(queue);
  const layers: NodeView[][] = [];
  for (const node of [...nodes].sort((a, b) => a.index - b.index)) {
    (layers[placed.has(node.id) ? depth.get(node.id)! : deepest + 1] ??= []).push(node);
  }
  return layers.filter((layer) => layer !== undefined);
}
