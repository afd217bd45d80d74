/**
 * The multi-item operations of the Cosmos ContextStore: recursive delete and move. Cosmos has no
 * transaction across items here (see cosmos-context-store.ts), so each is a sequence of
 * idempotent steps, ordered so that a crash at any point leaves a state from which running the
 * same operation again converges, and (unless the subtree is written to during the operation)
 * never an entry whose parent folder is missing.
 *
 * Recursive delete of F: in rounds, the deepest 100 items strictly below F (entries and
 * versions) are deleted, deepest first, until none is left; F itself goes last, `IfMatch` the
 * ETag it was judged by. A crash leaves F and a smaller tree below it (every remaining entry
 * still has its parent); `delete(F, { recursive: true })` again removes the rest and counts only
 * what it removed itself.
 *
 * Move of S to T (T must not exist):
 * 1. Claim: S is rewritten `IfMatch` its ETag with `movingTo: T` (the caller's `ifMatch` is
 *    checked by the service).
 * 2. Marker: T's missing parents are made and T is created as a copy of S carrying `moving: S`
 *    (409 if T exists); then the claim is confirmed by rewriting S `IfMatch` the claim's ETag.
 *    Of two moves of S, only the first to confirm goes on; the other removes its marker.
 * 3. Copy: every item below S, and S's versions, is upserted at its new path, shallowest first
 *    (so the copy never has an entry without its parent).
 * 4. Delete: items below S, deepest first, each `IfMatch` the ETag it was copied with; an item
 *    that changed since (or appeared) is copied again before it is deleted. Then S itself,
 *    `IfMatch`; if S was rewritten meanwhile (its claim is gone), T is refreshed from it first.
 * 5. Finish: T is rewritten without `moving`.
 * A crash after 1 leaves S claimed and T absent: S is as before, and a new move of S to any
 * target may claim it again. A crash in 2 before the confirmation leaves T marked but S
 * unconfirmed: `move(S, T)` finishes it; a move of S elsewhere that confirms first wins, and T
 * stays behind as a copy of S's root. A crash after 2, 3 or 4 leaves T marked `moving: S`, with the
 * entries visible at both paths (the union always complete: nothing is deleted before it is
 * copied). `move(S, T)` again recognizes its marker and resumes at step 3 (copying again is
 * harmless), so it converges; a move of S elsewhere is refused (`conflict`) until then. Not
 * covered: an item of the subtree changed at T before the retry is overwritten from S; a write
 * to T itself before the retry ends the move as far as the store can tell (running it again
 * answers `conflict`, and what was not moved yet stays at S); a write into S between its copy and
 * its deletion in step 4 is re-copied, but one after S was deleted creates S anew (the caller
 * wrote to a path that had been moved away).
 */
import { type ContextEntry, isKernelError, KernelError } from '../../kernel/index.js';
import { ENTRY_TYPE, VERSION_TYPE, bodyOf, entryId, parseEntry, relocate, toEntry, type StoredEntry } from './cosmos-context-documents.js';
import { checkPreconditions, withoutSystemProperties, type ContextItems, type RawItem } from './cosmos-context-items.js';
import { documentSearchFields } from './cosmos-context-search.js';

/** An item as written: a RawItem that names its partition. */
type StoredItem = RawItem & { userId: string };

/** Items per round of deletion, and per page of a copy. */
const BATCH = 100;
/** Parallel point writes within one depth of a round. */
const CONCURRENCY = 16;
/** Rounds of a step that keeps losing races before the operation gives up (retryable). */
const MAX_ROUNDS = 8;

/** Deletes the folder `folder` and everything below it; returns how many entries were removed. */
export async function deleteTree(items: ContextItems, userId: string, folder: StoredEntry): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await deepestBelow(items, userId, folder.path, false);
    if (batch.length === 0) break;
    for (const group of byDepth(batch, 'descending')) {
      const results = await inParallel(group, (item) => items.remove(userId, item.id));
      removed += group.filter((item, index) => item.type === ENTRY_TYPE && results[index]).length;
    }
  }
  try {
    if (await items.remove(userId, folder.id, folder._etag)) removed += 1;
  } catch (error) {
    if (isKernelError(error, 'precondition_failed')) throw new KernelError('precondition_failed', `${folder.path} changed while it was deleted; its contents are gone`, { cause: error });
    throw error;
  }
  return removed;
}

/** Deletes every version item of `path` (whatever its lineage). */
export async function deleteVersions(items: ContextItems, userId: string, path: string): Promise<void> {
  const sql = `SELECT c.id FROM c WHERE c.userId = @userId AND c.type = '${VERSION_TYPE}' AND c.path = @path`;
  const found = await items.query('find context versions', userId, sql, [{ name: '@path', value: path }], BATCH);
  await inParallel(found as Array<{ id: string }>, (item) => items.remove(userId, item.id));
}

/** `from` and `to` as contextArguments.move checked them. */
export async function moveTree(items: ContextItems, userId: string, from: string, to: string, options: { ifMatch?: string }, now: () => string): Promise<ContextEntry> {
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const sourceRaw = await items.readRaw(userId, entryId(from));
    const source = sourceRaw && parseEntry(sourceRaw, from);
    const target = await items.read(userId, to);
    if (target?.moving === from) return finishMove(items, userId, from, to);
    if (!sourceRaw || !source) throw new KernelError('not_found', `${from} does not exist`);
    checkPreconditions(from, source, options);
    if (target) throw new KernelError('conflict', `${to} already exists`);
    if (source.movingTo !== undefined && source.movingTo !== to && (await items.read(userId, source.movingTo))?.moving === from) {
      throw new KernelError('conflict', `${from} is being moved to ${source.movingTo}: run that move again to finish it, or delete ${source.movingTo}`);
    }
    // Checked before the claim, so that a move refused for its target changes nothing.
    const parents = await items.missingParents(userId, to);
    if (await startMove(items, userId, { from, to, source: sourceRaw, etag: source._etag, parents }, now)) return finishMove(items, userId, from, to);
  }
  throw new KernelError('precondition_failed', `${from} kept changing while it was moved`);
}

/**
 * Steps 1 and 2: claim the source, create the target's parents and its marker, then confirm the
 * claim (rewrite the source `IfMatch` the claim's ETag): of two moves that both claimed the
 * source, only the first to confirm goes on; the other removes its marker. False: a race was
 * lost, judge again.
 */
async function startMove(
  items: ContextItems,
  userId: string,
  move: { from: string; to: string; source: Record<string, unknown>; etag: string; parents: readonly string[] },
  now: () => string,
): Promise<boolean> {
  const { from, to } = move;
  const claim = { ...withoutMarkers(move.source), movingTo: to };
  const lost = (error: unknown): boolean => isKernelError(error, 'precondition_failed') || isKernelError(error, 'not_found') || isKernelError(error, 'conflict');
  let claimed: StoredEntry;
  try {
    claimed = await items.replace(claim, move.etag);
  } catch (error) {
    if (lost(error)) return false;
    throw error;
  }
  await items.createFolders(userId, move.parents, now());
  let marker: StoredEntry;
  try {
    marker = await items.create({ ...targetRoot(withoutMarkers(move.source), from, to), moving: from });
  } catch (error) {
    if (lost(error)) return false;
    throw error;
  }
  try {
    await items.replace(claim, claimed._etag);
    return true;
  } catch (error) {
    if (!lost(error)) throw error;
    try {
      await items.remove(userId, marker.id, marker._etag);
    } catch (removal) {
      if (!isKernelError(removal, 'precondition_failed')) throw removal;
    }
    return false;
  }
}

/** Steps 3-5 of a move whose marker exists (see the module comment). */
async function finishMove(items: ContextItems, userId: string, from: string, to: string): Promise<ContextEntry> {
  const copied = new Map<string, unknown>();
  for await (const page of items.pages('copy context subtree', userId, subtreeQuery('ORDER BY c.depth ASC'), subtreeParameters(from), BATCH)) {
    // Pages come shallowest first; one depth at a time within a page keeps every parent ahead of its children.
    for (const group of byDepth(page as RawItem[], 'ascending')) {
      await inParallel(group, async (raw) => {
        await items.upsert(relocate(withoutMarkers(raw), from, to));
        copied.set(raw.id, raw._etag);
      });
    }
  }
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    await deleteCopied(items, userId, from, to, copied);
    const sourceRaw = await items.readRaw(userId, entryId(from));
    if (sourceRaw === undefined) return clearMarker(items, userId, from, to);
    const source = parseEntry(sourceRaw, from);
    if (source.movingTo !== undefined && source.movingTo !== to) throw new KernelError('conflict', `${from} was claimed by a move to ${source.movingTo} meanwhile`);
    // Rewritten since it was claimed (the claim is gone): the newer content is what moves.
    if (source.movingTo === undefined) await refreshTarget(items, userId, withoutMarkers(sourceRaw), from, to);
    try {
      await items.remove(userId, source.id, source._etag);
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error;
    }
  }
  throw new KernelError('precondition_failed', `${from} kept changing while it was moved; run the move again`);
}

/** Step 4 for the items below the source and its versions, in rounds until none is left. */
async function deleteCopied(items: ContextItems, userId: string, from: string, to: string, copied: Map<string, unknown>): Promise<void> {
  for (;;) {
    const batch = await deepestBelow(items, userId, from, true);
    if (batch.length === 0) return;
    for (const group of byDepth(batch, 'descending')) {
      await inParallel(group, async (raw) => {
        if (copied.get(raw.id) !== raw._etag) await items.upsert(relocate(withoutMarkers(raw), from, to));
        try {
          await items.remove(userId, raw.id, String(raw._etag));
        } catch (error) {
          // Changed after this read: the next round copies it again.
          if (!isKernelError(error, 'precondition_failed')) throw error;
          copied.delete(raw.id);
        }
      });
    }
  }
}

async function refreshTarget(items: ContextItems, userId: string, source: StoredItem, from: string, to: string): Promise<void> {
  const target = await items.read(userId, to);
  if (target?.moving !== from) throw new KernelError('conflict', `${to} was written while ${from} was moved to it`);
  await items.replace({ ...targetRoot(source, from, to), moving: from }, target._etag);
}

async function clearMarker(items: ContextItems, userId: string, from: string, to: string): Promise<ContextEntry> {
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const raw = await items.readRaw(userId, entryId(to));
    if (raw === undefined) throw new KernelError('not_found', `${to} was deleted while ${from} was moved to it`);
    const target = parseEntry(raw, to);
    if (target.moving !== from) return toEntry(target);
    try {
      return toEntry(await items.replace(withoutMarkers(raw), target._etag));
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error;
    }
  }
  throw new KernelError('precondition_failed', `${to} kept changing while the move finished`);
}

/** The source root as the target root: new address, and the search text of its new name. */
function targetRoot(source: StoredItem, from: string, to: string): StoredItem {
  const moved = relocate(source, from, to);
  if (moved.type !== ENTRY_TYPE || moved.kind !== 'document') return moved;
  const entry = parseEntry({ ...moved, _etag: '' }, to);
  return { ...moved, ...documentSearchFields(to, bodyOf(entry.content, entry)) };
}

function subtreeQuery(order: string, top = ''): string {
  return `SELECT ${top}* FROM c WHERE c.userId = @userId AND (STARTSWITH(c.path, @below) OR (c.path = @path AND c.type = '${VERSION_TYPE}')) ${order}`;
}

function subtreeParameters(path: string): Array<{ name: string; value: string }> {
  return [{ name: '@below', value: `${path}/` }, { name: '@path', value: path }];
}

/** The deepest BATCH items strictly below `path` (and, with `versions`, the versions of `path` itself). */
async function deepestBelow(items: ContextItems, userId: string, path: string, versions: boolean): Promise<RawItem[]> {
  const sql = versions
    ? subtreeQuery('ORDER BY c.depth DESC', 'TOP @top ')
    : `SELECT TOP @top c.id, c.type, c.depth FROM c WHERE c.userId = @userId AND STARTSWITH(c.path, @below) ORDER BY c.depth DESC`;
  const parameters = [{ name: '@top', value: BATCH }, ...(versions ? subtreeParameters(path) : [{ name: '@below', value: `${path}/` }])];
  return (await items.query('find context subtree', userId, sql, parameters, BATCH)) as RawItem[];
}

/** Groups of one depth, in depth order; versions before entries within a depth (deleted first, copied first: both harmless). */
function byDepth(batch: readonly RawItem[], order: 'ascending' | 'descending'): RawItem[][] {
  const depths = new Map<number, RawItem[]>();
  for (const item of batch) {
    const depth = Number(item.depth);
    depths.set(depth, [...(depths.get(depth) ?? []), item]);
  }
  return [...depths.entries()]
    .sort(([a], [b]) => (order === 'ascending' ? a - b : b - a))
    .flatMap(([, group]) => [group.filter((item) => item.type !== ENTRY_TYPE), group.filter((item) => item.type === ENTRY_TYPE)])
    .filter((group) => group.length > 0);
}

function withoutMarkers(raw: Record<string, unknown>): StoredItem {
  const copy = withoutSystemProperties(raw);
  delete copy.moving;
  delete copy.movingTo;
  return copy as StoredItem;
}

async function inParallel<T, R>(list: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(list.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < list.length; index = next++) results[index] = await run(list[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, list.length) }, worker));
  return results;
}
