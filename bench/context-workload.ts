/**
 * The Context Hub bench's data: one user's 10,000 documents in 50 folders, generated from a
 * fixed seed so every run stores the same bytes. JSON documents (~85%) of 500 B to 2 KB with
 * metadata {priority, status, owner, tags}; the rest markdown text. Words follow a Zipf
 * distribution over a synthetic vocabulary, as words in real notes do, so search terms range
 * from rare to common.
 */
import type { ContextWrite } from '../src/kernel/ports/context.js';

export const USER = 'bench-user';
export const DOCUMENTS = 10_000;
const TOP_FOLDERS = ['Projects', 'Areas', 'Archive', 'Inbox', 'People'];
const FOLDERS_PER_TOP = 10;
const VOCABULARY = 5000;

/** Mulberry32: small, fast and deterministic. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'be', 'da', 'fi', 'go', 'ha', 'ju', 'pe', 'qui', 'ro', 'zu', 'an', 'el'];

/** Word `rank` of the vocabulary: three syllables from the rank's digits in base 20, plus a suffix for the tail. */
export function word(rank: number): string {
  const a = SYLLABLES[rank % 20]!;
  const b = SYLLABLES[Math.floor(rank / 20) % 20]!;
  const c = SYLLABLES[Math.floor(rank / 400) % 20]!;
  return `${a}${b}${c}`;
}

/** Zipf(s = 1) sampler over the vocabulary by inverse CDF. */
function zipf(random: () => number): () => number {
  const cdf = new Float64Array(VOCABULARY);
  let sum = 0;
  for (let rank = 0; rank < VOCABULARY; rank += 1) cdf[rank] = sum += 1 / (rank + 1);
  return () => {
    const target = random() * sum;
    let low = 0;
    let high = VOCABULARY - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cdf[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

export interface BenchDocument {
  path: string;
  write: ContextWrite;
}

export function folders(): string[] {
  return TOP_FOLDERS.flatMap((top) => Array.from({ length: FOLDERS_PER_TOP }, (_, i) => `/${top}/${top.slice(0, 3)}-${String(i).padStart(2, '0')}`));
}

export function buildDocuments(seed = 7): BenchDocument[] {
  const random = randomSource(seed);
  const nextWord = zipf(random);
  const text = (bytes: number): string => {
    const words: string[] = [];
    let length = 0;
    while (length < bytes) {
      const next = word(nextWord());
      words.push(next);
      length += next.length + 1;
    }
    return words.join(' ');
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const all = folders();
  return Array.from({ length: DOCUMENTS }, (_, i): BenchDocument => {
    const folder = all[i % all.length]!;
    const metadata = {
      priority: pick(['high', 'medium', 'medium', 'low', 'low', 'low']),
      status: pick(['open', 'open', 'blocked', 'closed']),
      owner: `owner-${Math.floor(random() * 20)}`,
      tags: [word(nextWord()), word(nextWord())],
    };
    const size = 500 + Math.floor(random() * 1500);
    if (i % 7 === 3) {
      return { path: `${folder}/note-${i}.md`, write: { content: `# ${text(30)}\n\n${text(size - 40)}\n`, contentType: 'text/markdown', metadata } };
    }
    const content = { title: text(40), summary: text(size / 4), body: text(size / 2), items: [text(size / 8), text(size / 8)], estimate: Math.floor(random() * 100) };
    return { path: `${folder}/doc-${i}`, write: { content, contentType: 'application/json', metadata } };
  });
}

/** Search texts: one or two words of middle rank (each in roughly 1-10% of the documents). */
export function searchTexts(count: number, seed = 11): string[] {
  const random = randomSource(seed);
  const middle = (): string => word(20 + Math.floor(random() * 480));
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? middle() : `${middle()} ${middle()}`));
}
