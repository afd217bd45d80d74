/**
 * Full-text search for the in-memory ContextStore: the same words, the same AND semantics and
 * the same ranking function as SQLite FTS5's bm25() with the column weights in SEARCH_WEIGHTS
 * (k1 = 1.2, b = 0.75, one length per document over all fields), so both stores order hits alike.
 */
import type { ContextSummary, SearchHit } from '../../kernel/ports/context.js';
import { compareCodePoints, nameOf } from '../../kernel/context/entries.js';
import { SEARCH_WEIGHTS, SNIPPET_WORDS, foldWord, indexedText, wordSpans, wordsOf, type IndexedText } from '../../kernel/context/search-text.js';

export interface Searchable {
  entry: ContextSummary;
  /** The content as the writer gave it. */
  content: unknown;
  json: boolean;
}

const K1 = 1.2;
const B = 0.75;
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
  const averageLength = analyzed.length === 0 ? 1 : Math.max(total / analyzed.length, 1e-9);
  const idf = new Map(query.map((word) => {
    const having = analyzed.filter((doc) => FIELDS.some((field) => doc.words[field].includes(word))).length;
    const value = Math.log((analyzed.length - having + 0.5) / (having + 0.5));
    return [word, value > 0 ? value : 1e-6];
  }));
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
      score += (idf.get(word) ?? 0) * ((weighted * (K1 + 1)) / (weighted + K1 * (1 - B + (B * doc.length) / averageLength)));
    }
    if (!all) continue;
    const snippet = snippetOf(doc, new Set(query));
    hits.push({ entry: doc.entry, score, ...(snippet !== undefined && { snippet }) });
  }
  return hits.sort((a, b) => b.score - a.score || compareCodePoints(a.entry.path, b.entry.path));
}

function analyze(document: Searchable): Analyzed {
  const text = indexedText(nameOf(document.entry.path), document.content, document.json, document.entry.metadata);
  const words = { name: wordsOf(text.name), body: wordsOf(text.body), meta: wordsOf(text.meta) };
  return { entry: document.entry, text, words, length: words.name.length + words.body.length + words.meta.length };
}

/** About SNIPPET_WORDS words of the field with the most query words, from just before the first match. */
function snippetOf(doc: Analyzed, query: ReadonlySet<string>): string | undefined {
  let best: keyof IndexedText | undefined;
  let bestCount = 0;
  for (const field of FIELDS) {
    const count = new Set(doc.words[field].filter((word) => query.has(word))).size;
    if (count > bestCount) [best, bestCount] = [field, count];
  }
  if (best === undefined) return undefined;
  const text = doc.text[best];
  const spans = wordSpans(text);
  const first = Math.max(0, spans.findIndex((span) => query.has(span.word)) - 2);
  const last = Math.min(spans.length, first + SNIPPET_WORDS) - 1;
  const start = spans[first]?.start ?? 0;
  const end = spans[last]?.end ?? text.length;
  return `${first > 0 ? '…' : ''}${text.slice(start, end)}${last < spans.length - 1 ? '…' : ''}`;
}
