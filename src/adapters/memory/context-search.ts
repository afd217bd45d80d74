/**
 * Full-text search for the in-memory ContextStore: the same words, the same AND semantics and
 * the same ranking function as SQLite FTS5's bm25() with the column weights in SEARCH_WEIGHTS
 * (k1 = 1.2, b = 0.75, one length per document over all fields), so both stores order hits alike.
 */
import type { ContextSummary, SearchHit } from '../../kernel/index.js';
import { bm25, compareCodePoints, foldWord, indexedText, type IndexedText, nameOf, SEARCH_WEIGHTS, searchSnippet, wordsOf } from '../../kernel/context/index.js';

export interface Searchable {
  entry: ContextSummary;
  /** The content as the writer gave it. */
  content: unknown;
  json: boolean;
}

const FIELDS = ['name', 'body', 'meta'] as const;

interface Analyzed {
  entry: ContextSummary;
  text: IndexedText;
  /** Folded words of each field. */
  words: Record<keyof IndexedText, string[]>;
  length: number;
}

/** The documents having every word, best first (ties by path). */
export function scoreDocuments(documents: readonly Searchable[], words: readonly string[]): SearchHit[] {
  const query = [...new Set(words.map(foldWord))];
  const analyzed = documents.map(analyze);
  const total = analyzed.reduce((sum, doc) => sum + doc.length, 0);
  const averageLength = bm25.averageLength(analyzed.length, total);
  const idf = new Map(query.map((word) => [word, bm25.idf(analyzed.length, analyzed.filter((doc) => FIELDS.some((field) => doc.words[field].includes(word))).length)]));
  const hits: SearchHit[] = [];
  for (const doc of analyzed) {
    let score = 0;
    let all = true;
    for (const word of query) {
      let weighted = 0;
      for (const field of FIELDS) weighted += SEARCH_WEIGHTS[field] * doc.words[field].filter((each) => each === word).length;
      if (weighted === 0) {
        all = false;
        break;
      }
      score += bm25.term(idf.get(word) ?? 0, weighted, doc.length, averageLength);
    }
    if (!all) continue;
    const snippet = searchSnippet(doc.text, new Set(query));
    hits.push({ entry: doc.entry, score, ...(snippet !== undefined && { snippet }) });
  }
  return hits.sort((a, b) => b.score - a.score || compareCodePoints(a.entry.path, b.entry.path));
}

function analyze(document: Searchable): Analyzed {
  const text = indexedText(nameOf(document.entry.path), document.content, document.json, document.entry.metadata);
  const words = { name: wordsOf(text.name), body: wordsOf(text.body), meta: wordsOf(text.meta) };
  return { entry: document.entry, text, words, length: words.name.length + words.body.length + words.meta.length };
}
