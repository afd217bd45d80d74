/**
 * The reading side of the Cosmos ContextStore: `query` (the compiled condition, ordered as in
 * cosmos-context-ordering.ts) and `search` (CONTAINS on the search text, ranked as in
 * cosmos-context-search.ts). Everything stays in one user's partition; every value is a
 * parameter.
 */
import { type ContextQuery, foldWord, indexedText, nameOf, ROOT, searchSnippet } from '../../kernel/context/index.js';
import { type ContextSummary, KernelError, type SearchHit } from '../../kernel/index.js';
import { ENTRY_TYPE, SUMMARY_FIELDS, bodyOf, parseEntry, parseSummary, toSummary, type StoredSummary } from './cosmos-context-documents.js';
import type { ContextItems } from './cosmos-context-items.js';
import { orderedSummaries, type SummarySource } from './cosmos-context-ordering.js';
import { ParameterList, compileCondition } from './cosmos-context-query.js';
import { rank, searchTerm, type Candidate, type CorpusStats } from './cosmos-context-search.js';

/** Ids per ARRAY_CONTAINS query, as in the other Cosmos adapters. */
const IDS_PER_QUERY = 256;
const ENTRIES = `c.userId = @userId AND c.type = '${ENTRY_TYPE}'`;
const DOCUMENTS = `${ENTRIES} AND c.kind = 'document'`;

/** Entries under `query.prefix` matching `query.where`, ordered and limited (the query is checked). */
export async function queryEntries(items: ContextItems, userId: string, query: ContextQuery): Promise<ContextSummary[]> {
  const parameters = new ParameterList();
  const where = [ENTRIES, ...prefixCondition(query.prefix, parameters)];
  const kinds = [...new Set(query.kinds)];
  if (kinds.length === 1) where.push(`c.kind = ${parameters.add(kinds[0] ?? 'document')}`);
  if (query.where !== undefined) where.push(compileCondition(query.where, parameters));
  const source: SummarySource = {
    fetch: async (fragments, shared, options) => {
      const own = shared.fork();
      const top = own.add(options.top);
      const order = options.sort ? ` ORDER BY ${options.sort.accessor} ${options.sort.desc ? 'DESC' : 'ASC'}` : '';
      const sql = `SELECT TOP ${top} ${SUMMARY_FIELDS} FROM c WHERE ${fragments.join(' AND ')}${order}`;
      return (await items.query('query context entries', userId, sql, own.parameters, options.top)).map(parseSummary);
    },
  };
  const rows = await orderedSummaries(source, where, parameters, query.orderBy, query.limit);
  return rows.map(toSummary);
}

/** Documents having every word of `text`, best first. */
/** `searched`: the searcher's words (contextArguments.search). */
export async function searchEntries(items: ContextItems, userId: string, searched: readonly string[], options: { prefix: string; limit: number; candidates: number }): Promise<SearchHit[]> {
  const words = [...new Set(searched.map(foldWord))];
  const parameters = new ParameterList();
  const terms = words.map((word) => parameters.add(searchTerm(word)));
  const matching = terms.map((term) => `CONTAINS(c.text, ${term})`);
  const where = [DOCUMENTS, ...prefixCondition(options.prefix, parameters), ...matching];
  const top = parameters.add(options.candidates);
  const sql = `SELECT TOP ${top} ${SUMMARY_FIELDS}, c.text, c.words FROM c WHERE ${where.join(' AND ')} ORDER BY c.path`;
  const found = await items.query('search context documents', userId, sql, parameters.parameters, options.candidates);
  if (found.length === 0) return [];
  const candidates: Array<Candidate<StoredSummary>> = found.map((row) => {
    const { text: stored, words: length } = row as { text?: unknown; words?: unknown };
    if (typeof stored !== 'string' || typeof length !== 'number') throw new KernelError('internal', 'a context document has no search text');
    return { item: parseSummary(row), text: stored, words: length };
  });
  // Ranked among all the user's documents, as the other stores rank (corpus-wide idf and length).
  const stats = await corpusStats(items, userId, words);
  const ranked = rank(candidates, words, stats).slice(0, options.limit);
  const snippets = await snippetsOf(items, userId, ranked.map(({ item }) => item), new Set(words));
  return ranked.map(({ item, score }) => {
    const excerpt = snippets.get(item.id);
    return { entry: toSummary(item), score, ...(excerpt !== undefined && { snippet: excerpt }) };
  });
}

/** `path` at or below `prefix`: the prefix itself, or a path starting with it and a slash. */
function prefixCondition(prefix: string, parameters: ParameterList): string[] {
  if (prefix === ROOT) return [];
  return [`(c.path = ${parameters.add(prefix)} OR STARTSWITH(c.path, ${parameters.add(`${prefix}/`)}))`];
}

async function corpusStats(items: ContextItems, userId: string, words: readonly string[]): Promise<CorpusStats> {
  // VALUE aggregates, one each: what every engine and SDK version runs in one partition.
  const [[documents], [totalWords]] = await Promise.all([
    items.query('count context documents', userId, `SELECT VALUE COUNT(1) FROM c WHERE ${DOCUMENTS}`, [], 1),
    items.query('count context words', userId, `SELECT VALUE SUM(c.words) FROM c WHERE ${DOCUMENTS}`, [], 1),
  ]);
  const counts = await Promise.all(
    words.map(async (word) => {
      const sql = `SELECT VALUE COUNT(1) FROM c WHERE ${DOCUMENTS} AND CONTAINS(c.text, @term)`;
      const [count] = await items.query('count context documents', userId, sql, [{ name: '@term', value: searchTerm(word) }], 1);
      return [word, typeof count === 'number' ? count : 0] as const;
    }),
  );
  return { documents: typeof documents === 'number' ? documents : 0, totalWords: typeof totalWords === 'number' ? totalWords : 0, having: new Map(counts) };
}

/** Snippets cut from the hits' content, by item id. */
async function snippetsOf(items: ContextItems, userId: string, hits: readonly StoredSummary[], words: ReadonlySet<string>): Promise<Map<string, string>> {
  const snippets = new Map<string, string>();
  for (let start = 0; start < hits.length; start += IDS_PER_QUERY) {
    const ids = hits.slice(start, start + IDS_PER_QUERY).map((hit) => hit.id);
    const sql = `SELECT ${SUMMARY_FIELDS}, c.content FROM c WHERE c.userId = @userId AND ARRAY_CONTAINS(@ids, c.id)`;
    const rows = await items.query('read context search hits', userId, sql, [{ name: '@ids', value: ids }], ids.length);
    for (const row of rows) {
      const entry = parseEntry(row);
      const body = bodyOf(entry.content, entry);
      const excerpt = searchSnippet(indexedText(nameOf(entry.path), body.content, body.json, body.metadata), words);
      if (excerpt !== undefined) snippets.set(entry.id, excerpt);
    }
  }
  return snippets;
}
