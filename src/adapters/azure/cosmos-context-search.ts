/**
 * Full-text search for the Cosmos ContextStore, with what works on every Cosmos engine: each
 * document item carries `text`, its folded words (search-text.ts: lower case, no diacritics) in
 * three sections, ` <name words> | <metadata words> | <body words> `, one space between words,
 * and `words`, how many words it has in all. A search word matches as a whole word when
 * `CONTAINS(c.text, " <word> ")`; every word must match (AND). Words never contain a space or a
 * `|`, so neither a phrase nor a section boundary can fake a match.
 *
 * Ranking is SQLite FTS5's bm25() with SEARCH_WEIGHTS, as the memory store computes it, so all
 * stores order hits alike: the corpus figures (documents, total words, documents having each
 * word) come from COUNT/SUM queries over the user's documents, term frequencies from the
 * candidates' `text`, computed here. Candidates are at most `candidateCap` documents (in path
 * order): with more matches than that, only those are ranked. `text` keeps at most
 * MAX_TEXT_BYTES (the item must stay under Cosmos's 2 MB with 1 MiB of content): words after
 * that in a very long body are not found. Snippets are cut from the content of the hits returned,
 * as the memory store cuts them.
 *
 * On a real account, Cosmos's own full-text search is the better engine: add a full-text policy
 * and index on `/text` (or on the content) to the container, then filter with
 * `FullTextContainsAll(c.text, @w0, @w1, ...)` and order with `ORDER BY RANK FullTextScore(c.text,
 * [@w0, @w1, ...])` (BM25 computed by the service, no candidate cap, no corpus queries). The
 * protocol server implements neither function, so that path cannot be tested here and is not
 * the default; the scores would also differ from the other stores'.
 */
import { bm25, compareCodePoints, foldWord, indexedText, nameOf, SEARCH_WEIGHTS, wordsOf } from '../../kernel/context/index.js';
import type { DocumentBody } from './cosmos-context-documents.js';

/** UTF-8 bytes of `text` kept per document. */
export const MAX_TEXT_BYTES = 256 * 1024;
const SEPARATOR = ' | ';
const FIELDS = ['name', 'meta', 'body'] as const;

type Field = (typeof FIELDS)[number];

/** The `text` and `words` fields of a document item. */
export function searchFields(name: string, content: unknown, json: boolean, metadata: Record<string, unknown>): { text: string; words: number } {
  const indexed = indexedText(name, content, json, metadata);
  const sections = FIELDS.map((field) => wordsOf(indexed[field]));
  const words = sections.reduce((sum, section) => sum + section.length, 0);
  let text = ` ${sections.map((section) => section.join(' ')).join(SEPARATOR)} `;
  if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
    // Cut at a word boundary: whole words only, and the text still ends with a space.
    const cut = Buffer.from(text, 'utf8').subarray(0, MAX_TEXT_BYTES).toString('utf8');
    text = `${cut.slice(0, cut.lastIndexOf(' '))} `;
  }
  return { text, words };
}

/** The search fields of a document item at `path` holding `body`. */
export function documentSearchFields(path: string, body: DocumentBody): { text: string; words: number } {
  return searchFields(nameOf(path), body.content, body.json, body.metadata);
}

/** The CONTAINS argument for a search word: the folded word between spaces. */
export function searchTerm(word: string): string {
  return ` ${foldWord(word)} `;
}

/** The folded words of each section of a stored `text`. */
function sectionsOf(text: string): Record<Field, string[]> {
  const parts = text.split(SEPARATOR);
  const words = (part: string | undefined): string[] => (part ?? '').split(' ').filter((word) => word !== '');
  return { name: words(parts[0]), meta: words(parts[1]), body: words(parts[2]) };
}

export interface CorpusStats {
  documents: number;
  totalWords: number;
  /** Documents having each folded word. */
  having: ReadonlyMap<string, number>;
}

export interface Candidate<T> {
  item: T;
  text: string;
  words: number;
}

/** bm25 of each candidate for `words` (folded), best first, ties by path. */
export function rank<T extends { path: string }>(candidates: ReadonlyArray<Candidate<T>>, words: readonly string[], stats: CorpusStats): Array<{ item: T; score: number }> {
  const averageLength = bm25.averageLength(stats.documents, stats.totalWords);
  const idf = new Map(words.map((word) => [word, bm25.idf(stats.documents, stats.having.get(word) ?? 0)]));
  return candidates
    .map(({ item, text, words: length }) => {
      const sections = sectionsOf(text);
      let score = 0;
      for (const word of words) {
        let weighted = 0;
        for (const field of FIELDS) weighted += SEARCH_WEIGHTS[field] * sections[field].filter((each) => each === word).length;
        score += bm25.term(idf.get(word) ?? 0, weighted, length, averageLength);
      }
      return { item, score };
    })
    .sort((a, b) => b.score - a.score || compareCodePoints(a.item.path, b.item.path));
}
