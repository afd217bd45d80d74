/**
 * The argument rules of each ContextStore method, in one place. Every store calls its method's
 * check first, before any I/O, so the memory, SQLite and Cosmos stores refuse exactly the same
 * inputs with the same messages (the contract suite holds them to it). Each check returns what
 * the store needs next. Preconditions against the stored entry (ETags) stay in the stores: they
 * need the current entry, read inside the store's own write.
 */
import type { ContextWriteOptions } from '../ports/context.js';
import { checkLimit, checkPath, checkUser, checkWriteOptions, invalid, isWithin, ROOT } from './entries.js';
import { checkContextQuery } from './match.js';
import { MAX_QUERY_LIMIT, type ContextQuery } from './query.js';
import { searchWords } from './search-text.js';

export const contextArguments = {
  /** get, makeFolder, versions: true when `path` is the root, which no store keeps. */
  read(userId: string, path: string): boolean {
    checkUser(userId);
    return checkPath(path) === ROOT;
  },

  put(userId: string, path: string, options: ContextWriteOptions | undefined): void {
    checkUser(userId);
    checkPath(path);
    checkWriteOptions(options);
  },

  delete(userId: string, path: string, options: { ifMatch?: string }): void {
    checkUser(userId);
    if (checkPath(path) === ROOT) invalid('the root folder cannot be deleted');
    checkWriteOptions({ ...(options.ifMatch !== undefined && { ifMatch: options.ifMatch }) });
  },

  /** Returns the page size. */
  list(userId: string, folder: string, options: { limit: number; cursor?: string }): number {
    checkUser(userId);
    checkPath(folder);
    const limit = checkLimit(options.limit, MAX_QUERY_LIMIT);
    if (options.cursor !== undefined && typeof options.cursor !== 'string') invalid('cursor must be a name');
    return limit;
  },

  move(userId: string, from: string, to: string, options: { ifMatch?: string }): void {
    checkUser(userId);
    checkPath(from);
    checkPath(to);
    checkWriteOptions(options);
    if (from === ROOT || to === ROOT) invalid('the root folder cannot be moved or replaced');
    if (isWithin(to, from)) invalid(`cannot move ${from} into itself (${to})`);
  },

  restore(userId: string, path: string, version: number, options: { ifMatch?: string }): void {
    checkUser(userId);
    checkPath(path);
    checkWriteOptions(options);
    if (!Number.isSafeInteger(version) || version < 1) invalid('version must be a positive integer');
  },

  /** Returns the query with its defaults, checked. */
  query(userId: string, query: ContextQuery): ContextQuery {
    checkUser(userId);
    const checked = checkContextQuery(query);
    checkPath(checked.prefix);
    return checked;
  },

  /** Returns the searcher's words, the prefix (default: everything) and the limit. */
  search(userId: string, text: string, options: { prefix?: string; limit: number }): { words: string[]; prefix: string; limit: number } {
    checkUser(userId);
    const words = searchWords(text);
    return { words, prefix: checkPath(options.prefix ?? ROOT), limit: checkLimit(options.limit, MAX_QUERY_LIMIT) };
  },
};
