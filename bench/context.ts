/**
 * The Context Hub on the embedded default's SQLite store: 10,000 documents of one user in 50
 * folders (bench/context-workload.ts), then, each beside raw better-sqlite3 running the very same
 * SQL statements as its ceiling:
 * - point reads (`get`) and point writes (`put` replacing a document: version history, pruning
 *   and the search index included), one at a time through the store's async API; the raw side
 *   runs the write's statements in one transaction per write, as the group commit does for a
 *   lone writer;
 * - the seed's query ("everything under /Projects/ with priority high, newest first", limit 20),
 *   p50/p99;
 * - full-text search (one or two words, limit 20), p50/p99, over everything and under /Projects.
 * Store and raw rounds alternate, so drift (JIT, GC, other load) hits both sides alike. The raw
 * side gets its parameters precomputed: the gap is the store's whole cost (checks, JSON, the
 * event-loop turn the group commit waits for), not only SQLite's.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteStatement } from '../src/adapters/local/database.js';
import { openLocalStorage } from '../src/adapters/local/open-local-storage.js';
import { compileQuery } from '../src/adapters/local/sqlite-context-query.js';
import { ContextSearchIndex, searchStatement } from '../src/adapters/local/sqlite-context-search.js';
import { SUMMARY_COLUMNS, prepareContextStatements } from '../src/adapters/local/sqlite-context-statements.js';
import { nameOf, parentOf, prepareWrite } from '../src/kernel/context/entries.js';
import { contextQuerySchema } from '../src/kernel/context/query.js';
import { indexedText, searchWords } from '../src/kernel/context/search-text.js';
import { DEFAULT_CONTEXT_LIMITS } from '../src/kernel/ports/context.js';
import { systemClock } from '../src/kernel/ports/clock.js';
import { DOCUMENTS, USER, buildDocuments, searchTexts } from './context-workload.js';
import { percentiles, row, runPool, type BenchRow } from './stats.js';

const ROUNDS = 6;
const READS_PER_ROUND = 3000;
const WRITES_PER_ROUND = 300;
const QUERIES_PER_ROUND = 100;
const SEARCHES_PER_ROUND = 100;
const RAW = 'raw better-sqlite3, same statements';

export async function runContextBench(log: (line: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vextir-context-bench-'));
  const file = join(dir, 'bench.db');
  const storage = openLocalStorage({ file, clock: systemClock });
  try {
    const { context, db } = storage;
    const documents = buildDocuments();
    const seedStarted = performance.now();
    await runPool(documents.length, 64, async (i) => void (await context.put(USER, documents[i]!.path, documents[i]!.write)));
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`context: seeded ${DOCUMENTS} documents in ${seedSeconds.toFixed(1)} s; database ${(statSync(file).size / 1e6).toFixed(1)} MB (+ WAL)`);
    db.pragma('wal_checkpoint(TRUNCATE)');

    const s = prepareContextStatements(db);
    const index = new ContextSearchIndex(db);
    const paths = documents.map((document) => document.path);
    const pathAt = (i: number): string => paths[(i * 7919) % paths.length]!;

    // Point reads.
    const reads = await alternate(
      async (i) => void (await context.get(USER, pathAt(i))),
      async (i) => void s.entry.get(USER, pathAt(i)),
      READS_PER_ROUND,
    );

    // Point writes: each replaces a document with another document's content.
    const rewrite = (i: number) => documents[(i * 104_729 + 13) % documents.length]!.write;
    // The raw side's parameters, computed before the clock starts.
    const rawParams = Array.from({ length: ROUNDS * WRITES_PER_ROUND }, (_, i) => {
      const path = pathAt(i);
      const prepared = prepareWrite(rewrite(i), DEFAULT_CONTEXT_LIMITS);
      return { path, prepared, text: indexedText(nameOf(path), rewrite(i).content, prepared.json, prepared.metadata) };
    });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 binds a transaction's variants (.immediate) to it
    const rawWrite = db.transaction((i: number) => {
      const { path, prepared, text } = rawParams[i]!;
      const head = s.head.get(USER, path)!;
      s.head.get(USER, parentOf(path));
      s.archive.run(head.id);
      s.update.run(prepared.contentType, prepared.stored, prepared.metadataJson, head.version + 1, `raw-${i}`, prepared.size, new Date().toISOString(), head.id);
      s.prune.run(head.id, head.version + 1 - DEFAULT_CONTEXT_LIMITS.versionsKept);
      index.replace(head.id, USER, text);
    }).immediate;
    const writes = await alternate(
      async (i) => void (await context.put(USER, pathAt(i), rewrite(i))),
      async (i) => rawWrite(i),
      WRITES_PER_ROUND,
    );

    // The seed's query.
    const priorities = ['high', 'medium', 'low'];
    const seedQuery = (i: number) =>
      contextQuerySchema.parse({ prefix: '/Projects', where: { op: 'eq', field: 'metadata.priority', value: priorities[i % 3] }, orderBy: [{ field: 'updatedAt', direction: 'desc' }], limit: 20 });
    const compiled = (i: number) => compileQuery({ sql: SUMMARY_COLUMNS, params: [] }, USER, seedQuery(i));
    const rawQuery = db.prepare(compiled(0).sql);
    const queries = await alternate(
      async (i) => void (await context.query(USER, seedQuery(i))),
      async (i) => void rawQuery.all(...compiled(i).params),
      QUERIES_PER_ROUND,
    );
    const matched = (await context.query(USER, contextQuerySchema.parse({ prefix: '/Projects', where: { op: 'eq', field: 'metadata.priority', value: 'high' }, limit: 1000 }))).length;

    // Full-text search.
    const texts = searchTexts(ROUNDS * SEARCHES_PER_ROUND);
    const statements = new Map<string, SqliteStatement<unknown[]>>();
    const rawSearch = (text: string, prefix = '/') => {
      const { sql, params } = searchStatement(USER, searchWords(text), prefix, 20);
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare<unknown[]>(sql)));
      return statement.all(...params);
    };
    const searches = await alternate(
      async (i) => void (await context.search(USER, texts[i % texts.length]!, { limit: 20 })),
      async (i) => void rawSearch(texts[i % texts.length]!),
      SEARCHES_PER_ROUND,
    );
    const searchesBelow = await alternate(
      async (i) => void (await context.search(USER, texts[i % texts.length]!, { prefix: '/Projects', limit: 20 })),
      async (i) => void rawSearch(texts[i % texts.length]!, '/Projects'),
      SEARCHES_PER_ROUND,
    );
    let hits = 0;
    for (const text of texts.slice(0, 50)) hits += (await context.search(USER, text, { limit: 1000 })).length;

    const load = `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;
    const rate = (name: string, paired: Paired, note: string): BenchRow =>
      row({ bench: 'context', name, value: paired.a.rate, unit: 'ops/s', baseline: { name: RAW, value: paired.b.rate, unit: 'ops/s' }, note: `${note}; median of ${ROUNDS} alternating rounds; ${load}` });
    const latency = (name: string, paired: Paired, p: 'p50' | 'p99', note: string): BenchRow =>
      row({ bench: 'context', name: `${name} ${p}`, value: paired.a.latency[p], unit: 'ms', baseline: { name: RAW, value: paired.b.latency[p], unit: 'ms' }, note });
    return [
      row({ bench: 'context', name: `seed ${DOCUMENTS} documents, 64 in flight`, value: DOCUMENTS / seedSeconds, unit: 'docs/s', note: 'put of new documents (parents, FTS rows); group commit batches them' }),
      rate('point read (get), one at a time', reads, 'store: check, one indexed SELECT, JSON.parse of content and metadata; raw: the same SELECT, rows not parsed'),
      rate('point write (put replacing a document), one at a time', writes, 'one transaction each: head, parent, archive version, update, prune, FTS delete + insert; the store also validates, serializes, flattens text and waits one event-loop turn (group commit)'),
      latency('query (under /Projects, priority = x, updatedAt desc, limit 20)', queries, 'p50', `compiled SQL, json_type/json_extract on metadata; ${matched} of ${DOCUMENTS} documents match priority high under /Projects`),
      latency('query (under /Projects, priority = x, updatedAt desc, limit 20)', queries, 'p99', 'ratio > 1: slower than raw'),
      latency('search (1-2 words, limit 20)', searches, 'p50', `FTS5 MATCH with bm25 + snippet; ${(hits / 50).toFixed(0)} hits per search on average (limit 1000)`),
      latency('search (1-2 words, limit 20)', searches, 'p99', 'ratio > 1: slower than raw'),
      latency('search under /Projects (1-2 words, limit 20)', searchesBelow, 'p50', 'the same words; hits filtered to one of the five top folders'),
      latency('search under /Projects (1-2 words, limit 20)', searchesBelow, 'p99', 'ratio > 1: slower than raw'),
    ];
  } finally {
    storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Side {
  /** Median of the rounds' ops/s. */
  rate: number;
  /** Percentiles over every call of every round, in ms. */
  latency: { p50: number; p99: number };
}
interface Paired {
  a: Side;
  b: Side;
}

/** Rounds of `a` and `b` alternating (the order flipping each round), `count` calls each, one at a time; a warm-up round first. */
async function alternate(a: (i: number) => Promise<void>, b: (i: number) => Promise<void>, count: number): Promise<Paired> {
  const sides = [a, b].map(() => ({ rates: [] as number[], latencies: [] as number[] }));
  const round = async (side: 0 | 1, offset: number, record: boolean): Promise<void> => {
    const run = side === 0 ? a : b;
    const started = performance.now();
    for (let i = 0; i < count; i += 1) {
      const t0 = performance.now();
      await run(offset + i);
      if (record) sides[side]!.latencies.push(performance.now() - t0);
    }
    if (record) sides[side]!.rates.push(count / ((performance.now() - started) / 1000));
  };
  await round(0, 0, false);
  await round(1, 0, false);
  for (let r = 0; r < ROUNDS; r += 1) {
    const order: Array<0 | 1> = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const side of order) await round(side, r * count, true);
  }
  const summarize = ({ rates, latencies }: { rates: number[]; latencies: number[] }): Side => {
    const p = percentiles(latencies);
    return { rate: median(rates), latency: { p50: p.p50, p99: p.p99 } };
  };
  return { a: summarize(sides[0]!), b: summarize(sides[1]!) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
