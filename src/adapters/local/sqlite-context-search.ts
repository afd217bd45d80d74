/**
 * The Context Hub's search index on SQLite FTS5 (`context_fts`, rowid = the entry's id): what a
 * document puts in it (src/kernel/context/search-text.ts decides the text), and the search
 * statement.
 *
 * The searcher's text never reaches FTS5 as syntax: searchWords() keeps only runs of letters,
 * digits and marks, and each becomes a quoted FTS5 string ("word"), joined by AND, so no
 * operator, column filter, prefix `*` or NEAR can be expressed. The whole match expression is
 * still a bound parameter. Each user's rows carry one `owner` token (a hash of the user id, so
 * no user id characters need escaping), and the expression requires it: the index itself
 * narrows a search to its user. The join on context_entries.user_id checks it again.
 */
import { createHash } from 'node:crypto';
import { type IndexedText, ROOT, SEARCH_WEIGHTS, SNIPPET_WORDS } from '../../kernel/context/index.js';
import type { SearchHit } from '../../kernel/index.js';
import type { SqliteDatabase } from './database.js';
import { SUBTREE_PATHS, SUMMARY_COLUMNS, subtreePaths, toSummary, type SummaryRow } from './sqlite-context-statements.js';

interface HitRow extends SummaryRow {
  score: number;
  snippet: string | null;
}

/** The owner token of a user: letters and digits only, one FTS5 token. */
export function ownerToken(userId: string): string {
  return `u${createHash('sha256').update(userId).digest('hex').slice(0, 32)}`;
}

/** The FTS5 expression for a user's words (each from searchWords(): letters, digits and marks only). */
export function matchExpression(userId: string, words: readonly string[]): string {
  const quoted = words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' AND ');
  return `owner : "${ownerToken(userId)}" AND {name body meta} : (${quoted})`;
}

const WEIGHTS = [SEARCH_WEIGHTS.name, SEARCH_WEIGHTS.body, SEARCH_WEIGHTS.meta, 0];

// bm25() is lower-is-better; the port's score is higher-is-better. Ties go by path. CROSS JOIN
// makes the FTS match the outer loop: left to itself, the planner may walk a folder's entries
// and run the match once per entry (measured: 195 ms instead of 2 ms for 2,000 entries).
const SELECT = `SELECT ${SUMMARY_COLUMNS}, -bm25(context_fts, ?, ?, ?, ?) AS score, snippet(context_fts, -1, '', '', '…', ?) AS snippet
  FROM context_fts CROSS JOIN context_entries e ON e.id = context_fts.rowid
  WHERE context_fts MATCH ? AND e.user_id = ?`;
const ORDER = 'ORDER BY score DESC, e.path LIMIT ?';
const SEARCH_ALL = `${SELECT} ${ORDER}`;
const SEARCH_BELOW = `${SELECT} AND ${SUBTREE_PATHS} ${ORDER}`;

/** The search statement's text and parameters (exported for the bench, which runs them raw). */
export function searchStatement(userId: string, words: readonly string[], prefix: string, limit: number): { sql: string; params: unknown[] } {
  const head = [...WEIGHTS, SNIPPET_WORDS, matchExpression(userId, words), userId];
  if (prefix === ROOT) return { sql: SEARCH_ALL, params: [...head, limit] };
  return { sql: SEARCH_BELOW, params: [...head, ...subtreePaths(prefix), limit] };
}

export class ContextSearchIndex {
  readonly #insert;
  readonly #delete;
  readonly #rename;
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<[number, string, string, string, string]>('INSERT INTO context_fts (rowid, name, body, meta, owner) VALUES (?, ?, ?, ?, ?)');
    this.#delete = db.prepare<[number]>('DELETE FROM context_fts WHERE rowid = ?');
    this.#rename = db.prepare<[string, number]>('UPDATE context_fts SET name = ? WHERE rowid = ?');
    this.#statements = new Map([SEARCH_ALL, SEARCH_BELOW].map((text) => [text, db.prepare<unknown[], HitRow>(text)]));
  }

  /** Index a document (call inside the write's transaction); `text` from indexedText(). */
  add(id: number, userId: string, text: IndexedText): void {
    this.#insert.run(id, text.name, text.body, text.meta, ownerToken(userId));
  }

  replace(id: number, userId: string, text: IndexedText): void {
    this.#delete.run(id);
    this.add(id, userId, text);
  }

  rename(id: number, name: string): void {
    this.#rename.run(name, id);
  }

  search(userId: string, words: readonly string[], prefix: string, limit: number): SearchHit[] {
    const { sql, params } = searchStatement(userId, words, prefix, limit);
    const rows = this.#statements.get(sql)!.all(...params);
    return rows.map((row) => ({ entry: toSummary(row), score: row.score, ...(row.snippet !== null && { snippet: row.snippet }) }));
  }
}
