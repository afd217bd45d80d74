/**
 * GET /api/events/{id}/tree: where an event came from and what it caused. `ancestors` follow the
 * envelope's causationid up to the root (root first); `nodes` are the event and its descendants
 * breadth first, through each record's `children`, read a level at a time with `getMany`.
 * The tree is bounded (MAX_TREE_NODES), so one request stays cheap however far a chain fanned
 * out; `truncated` says some descendants were left out.
 */
import { z } from 'zod';
import { eventIdSchema, KernelError, type EventRecord, type EventStore } from '../../kernel/index.js';
import { parseQuery } from '../query.js';
import { json } from '../responses.js';
import { readableUser, userParam } from '../target-user.js';
import type { ApiResponse } from '../types.js';
import { invalidInput } from '../validation.js';
import type { AuthenticatedContext } from './context.js';

export const MAX_TREE_NODES = 500;
/** Beyond the processor's default depth limit (64); a chain longer than this shows its nearest part. */
const MAX_ANCESTORS = 128;
/** Ids per `getMany`: a level of a wide fan-out is read in a few calls, each a bounded query. */
const READ_BATCH = 100;

const treeQuerySchema = z.strictObject({ user: userParam.optional() });

export interface EventSummary {
  id: string;
  type: string;
  status: EventRecord['status'];
  receivedAt: string;
  source: string;
}

/** `depth`: hops below the requested event (0 for the event itself); `parent`: null for the event. */
export type TreeNode = EventSummary & { parent: string | null; depth: number };

export interface EventTree {
  id: string;
  ancestors: EventSummary[];
  nodes: TreeNode[];
  truncated: boolean;
}

export async function getEventTree({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = eventIdSchema.safeParse(params['id']);
  if (!id.success) throw invalidInput('the event id', [{ field: 'id', reason: id.error.issues[0]?.message ?? 'is invalid' }]);
  const userId = readableUser(identity, parseQuery(request.url, treeQuerySchema).user, 'events');
  const record = await services.store.get(userId, id.data);
  if (!record) throw new KernelError('not_found', `no event "${id.data}" was found`);
  const [ancestors, descendants] = await Promise.all([ancestorsOf(services.store, userId, record), descendantsOf(services.store, userId, record)]);
  const tree: EventTree = { id: record.id, ancestors, ...descendants };
  return json(200, tree);
}

function summary(record: EventRecord): EventSummary {
  return { id: record.id, type: record.type, status: record.status, receivedAt: record.receivedAt, source: record.event.source };
}

/** Root first. Stops at an ancestor that has no record (an event from outside, or not stored yet). */
async function ancestorsOf(store: EventStore, userId: string, record: EventRecord): Promise<EventSummary[]> {
  const found: EventSummary[] = [];
  const seen = new Set([record.id]);
  let parentId = record.event.causationid;
  while (parentId !== undefined && !seen.has(parentId) && found.length < MAX_ANCESTORS) {
    seen.add(parentId);
    const parent = await store.get(userId, parentId);
    if (!parent) break;
    found.push(summary(parent));
    parentId = parent.event.causationid;
  }
  return found.reverse();
}

async function descendantsOf(store: EventStore, userId: string, root: EventRecord): Promise<{ nodes: TreeNode[]; truncated: boolean }> {
  const nodes: TreeNode[] = [{ ...summary(root), parent: null, depth: 0 }];
  const seen = new Set([root.id]);
  let level: EventRecord[] = [root];
  for (let depth = 1; level.length > 0; depth += 1) {
    // Each child once, with its parent, in the order the parents list them.
    const wanted: Array<{ id: string; parent: string }> = [];
    for (const parent of level) {
      for (const child of parent.children) {
        if (seen.has(child)) continue;
        seen.add(child);
        wanted.push({ id: child, parent: parent.id });
      }
    }
    const next: EventRecord[] = [];
    let read = 0;
    while (read < wanted.length && nodes.length < MAX_TREE_NODES) {
      const batch = wanted.slice(read, read + Math.min(READ_BATCH, MAX_TREE_NODES - nodes.length));
      read += batch.length;
      const records = new Map((await store.getMany(userId, batch.map((child) => child.id))).map((record) => [record.id, record]));
      for (const child of batch) {
        const record = records.get(child.id);
        // A child id without a record yet (emitted, not stored) is left out, as the ancestors stop at one.
        if (!record) continue;
        nodes.push({ ...summary(record), parent: child.parent, depth });
        next.push(record);
      }
    }
    if (read < wanted.length) return { nodes, truncated: true };
    level = next;
  }
  return { nodes, truncated: false };
}
