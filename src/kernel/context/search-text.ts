/**
 * What full-text search sees of a document, and how the searcher's text becomes words: shared
 * so that every store indexes the same text and reads a query the same way.
 *
 * - A document is indexed as three fields: its name, its body (text content as it is; for JSON
 *   content, every string value, joined by newlines; keys and numbers are not indexed), and its
 *   metadata's string values. Folders are not indexed: search finds documents.
 * - The searcher's text is data, never query syntax: it is split into words (runs of Unicode
 *   letters, digits and marks; everything else — quotes, `*`, `:`, `-`, parentheses — only
 *   separates words), and a document matches when it has every word (AND), case-insensitively,
 *   as whole words, diacritics ignored. `NEAR`, `OR` and `AND` are words like any other.
 */
import { KernelError } from '../errors.js';

export const MAX_SEARCH_TEXT = 1024;
export const MAX_SEARCH_WORDS = 32;

/** What counts as a word: SQLite FTS5's unicode61 tokenizer's token characters. */
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** The searcher's words, as typed; KernelError `invalid_input` when there are none or too many. */
export function searchWords(text: string): string[] {
  if (typeof text !== 'string') throw new KernelError('invalid_input', 'search text must be a string');
  if (text.length > MAX_SEARCH_TEXT) throw new KernelError('invalid_input', `search text must be at most ${MAX_SEARCH_TEXT} characters`);
  const words = text.match(WORD) ?? [];
  if (words.length === 0) throw new KernelError('invalid_input', 'search text must contain at least one word (letters or digits)');
  if (words.length > MAX_SEARCH_WORDS) throw new KernelError('invalid_input', `search text may have at most ${MAX_SEARCH_WORDS} words`);
  return [...new Set(words)];
}

/** A word as matching compares it: lower case, diacritics removed ("Café" -> "cafe"). */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The folded words of an indexed text, in order. */
export function wordsOf(text: string): string[] {
  return (text.match(WORD) ?? []).map(foldWord);
}

/** Where each word of `text` is, and its folded form (for building snippets). */
export function wordSpans(text: string): Array<{ start: number; end: number; word: string }> {
  return [...text.matchAll(WORD)].map((match) => ({ start: match.index, end: match.index + match[0].length, word: foldWord(match[0]) }));
}

/** Every string value in a JSON value, depth first, joined by newlines. */
export function flattenStrings(value: unknown): string {
  const parts: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') parts.push(node);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(visit);
  };
  visit(value);
  return parts.join('\n');
}

export interface IndexedText {
  name: string;
  body: string;
  meta: string;
}

/** The three indexed fields of a document. `content` is as the writer gave it. */
export function indexedText(name: string, content: unknown, json: boolean, metadata: Record<string, unknown>): IndexedText {
  return { name, body: json ? flattenStrings(content) : String(content), meta: flattenStrings(metadata) };
}

/**
 * How much a match in each field counts (BM25 column weights): the name most, so that a
 * document named after the words ranks above one that merely mentions them.
 */
export const SEARCH_WEIGHTS: Readonly<Record<keyof IndexedText, number>> = { name: 5, body: 1, meta: 2 };
/** Words in a search snippet. */
export const SNIPPET_WORDS = 16;

/**
 * About SNIPPET_WORDS words of the field with the most search words (folded), from just before
 * the first match. SQLite cuts its own with FTS5's snippet(); the memory and Cosmos stores cut
 * theirs here.
 */
export function searchSnippet(text: IndexedText, words: ReadonlySet<string>): string | undefined {
  let best: keyof IndexedText | undefined;
  let bestCount = 0;
  for (const field of ['name', 'body', 'meta'] as const) {
    const count = new Set(wordsOf(text[field]).filter((word) => words.has(word))).size;
    if (count > bestCount) [best, bestCount] = [field, count];
  }
  if (best === undefined) return undefined;
  const source = text[best];
  const spans = wordSpans(source);
  const first = Math.max(0, spans.findIndex((span) => words.has(span.word)) - 2);
  const last = Math.min(spans.length, first + SNIPPET_WORDS) - 1;
  const start = spans[first]?.start ?? 0;
  const end = spans[last]?.end ?? source.length;
  return `${first > 0 ? '…' : ''}${source.slice(start, end)}${last < spans.length - 1 ? '…' : ''}`;
}

/**
 * BM25 as SQLite FTS5's bm25() computes it (k1 = 1.2, b = 0.75, one length per document over
 * all fields), so the memory and Cosmos stores rank hits as the SQLite store does.
 */
export const bm25 = {
  /** A word's inverse document frequency; FTS5 floors it at 1e-6 so common words still count. */
  idf(documents: number, having: number): number {
    const value = Math.log((documents - having + 0.5) / (having + 0.5));
    return value > 0 ? value : 1e-6;
  },
  averageLength(documents: number, totalWords: number): number {
    return documents === 0 ? 1 : Math.max(totalWords / documents, 1e-9);
  },
  /** One word's share of a document's score: `weighted` is its SEARCH_WEIGHTS-weighted count there. */
  term(idf: number, weighted: number, length: number, averageLength: number): number {
    const k1 = 1.2;
    const b = 0.75;
    return idf * ((weighted * (k1 + 1)) / (weighted + k1 * (1 - b + (b * length) / averageLength)));
  },
};
