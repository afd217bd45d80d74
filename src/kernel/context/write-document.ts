/**
 * Writing a document as the HTTP API and the `context` driver both do: a write that carries no
 * metadata keeps the document's current metadata (a store's `put` replaces it with `{}`), so
 * that updating the text of a note does not silently drop its `priority`. Send `metadata: {}`
 * to clear it.
 *
 * Keeping the metadata is a read followed by a conditional write on the ETag read, so a
 * concurrent change of the metadata is never lost; without a caller's own `ifMatch`, a
 * concurrent writer only makes it read again (a few times), as an unconditional write would
 * have succeeded.
 */
import { isKernelError } from '../errors.js';
import type { ContextEntry, ContextStore, ContextWrite, ContextWriteOptions } from '../ports/context.js';

const ATTEMPTS = 3;

export interface WrittenDocument {
  entry: ContextEntry;
  /** True when the write created the document (its first version). */
  created: boolean;
}

export async function writeDocument(store: ContextStore, userId: string, path: string, write: ContextWrite, options: ContextWriteOptions = {}): Promise<WrittenDocument> {
  const done = (entry: ContextEntry): WrittenDocument => ({ entry, created: entry.version === 1 });
  if (write.metadata !== undefined || options.ifNoneMatch !== undefined) return done(await store.put(userId, path, write, options));
  for (let attempt = 1; ; attempt += 1) {
    const current = await store.get(userId, path);
    // No document to keep metadata from: the store decides (create, or refuse a folder / a stale ifMatch).
    if (current === undefined || current.kind !== 'document') return done(await store.put(userId, path, write, options));
    const keep = { ...write, metadata: current.metadata };
    if (options.ifMatch !== undefined) return done(await store.put(userId, path, keep, options));
    try {
      return done(await store.put(userId, path, keep, { ifMatch: current.etag }));
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed') || attempt >= ATTEMPTS) throw error;
    }
  }
}
