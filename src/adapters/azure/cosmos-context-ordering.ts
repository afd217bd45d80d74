/**
 * ORDER BY for context queries on Cosmos DB, with exactly the order of match.ts's
 * entryComparator: each key in turn, values of different types ordered by type (missing < null <
 * false < true < numbers < strings < arrays/objects), then `path` ascending.
 *
 * Cosmos cannot be asked for that order directly: an ORDER BY on more than one property needs a
 * composite index for exactly those properties (users order by any metadata field, so none can
 * be declared ahead), its order across types is not ours, and the protocol server drops items
 * without the property from a one-property ORDER BY. So every query sent here orders by ONE
 * property, and within ONE type, which every engine orders alike and the default range index
 * serves:
 *
 * top(k, keys): for the first key, walk its type classes in our order. A class whose values all
 * tie (missing, null, false, true) is resolved by the remaining keys (recursively; with no keys
 * left, `ORDER BY c.path`, unique). A number or string class is read `ORDER BY <key>` with
 * `TOP k'`; if it filled k', the rows before the last value are certainly in the answer, and
 * the rows tying on the last value are resolved by the remaining keys, recursively (so a large
 * tie is never read whole). Arrays and objects (ordered by their JSON text) are read whole, up
 * to UNSORTED_CAP, and sorted here. The union is exactly the top k, which the caller sorts with
 * entryComparator. A query costs a few point-range queries instead of reading every match.
 *
 * Cannot be proven on the protocol server: that real Cosmos orders strings by code point as the
 * other stores do (see cosmos-context-query.ts). If it did not, the rows before a boundary value
 * could differ for such strings.
 */
import { KernelError } from '../../kernel/index.js';
import { type ContextQuery, entryComparator, fieldValue, isBuiltInField } from '../../kernel/context/index.js';
import { toSummary, type StoredSummary } from './cosmos-context-documents.js';
import { compileEquals, compileSortField, compileTypeClass, type ParameterList, type TypeClass } from './cosmos-context-query.js';

/** Arrays and objects under one ORDER BY key read whole before the query is refused. */
export const UNSORTED_CAP = 2000;

type OrderKey = ContextQuery['orderBy'][number];

export interface SummarySource {
  /** Summaries matching every `where` fragment, ordered by one property when `sort` is given, at most `top`. */
  fetch(where: readonly string[], parameters: ParameterList, options: { sort?: { accessor: string; desc: boolean }; top: number }): Promise<StoredSummary[]>;
}

interface OrderClass {
  /** The values of the class; undefined: every value (a built-in field, always present, of one type). */
  type?: TypeClass;
  mode: 'tied' | 'ordered' | 'unordered';
}

const BUILT_IN_CLASSES: readonly OrderClass[] = [{ mode: 'ordered' }];
const METADATA_CLASSES: readonly OrderClass[] = [
  { type: 'missing', mode: 'tied' },
  { type: 'null', mode: 'tied' },
  { type: 'false', mode: 'tied' },
  { type: 'true', mode: 'tied' },
  { type: 'number', mode: 'ordered' },
  { type: 'string', mode: 'ordered' },
  { type: 'complex', mode: 'unordered' },
];
const METADATA_CLASSES_DESC = [...METADATA_CLASSES].reverse();

/** The first `limit` summaries matching `where`, in `orderBy` order (then path). */
export async function orderedSummaries(source: SummarySource, where: readonly string[], parameters: ParameterList, orderBy: ContextQuery['orderBy'], limit: number): Promise<StoredSummary[]> {
  const found = await top(source, where, parameters, orderBy, limit);
  const order = entryComparator(orderBy);
  return found
    .map((stored) => ({ stored, summary: toSummary(stored) }))
    .sort((a, b) => order(a.summary, b.summary))
    .slice(0, limit)
    .map(({ stored }) => stored);
}

async function top(source: SummarySource, where: readonly string[], parameters: ParameterList, keys: readonly OrderKey[], k: number): Promise<StoredSummary[]> {
  const [key, ...rest] = keys;
  if (key === undefined) return source.fetch(where, parameters, { sort: { accessor: 'c.path', desc: false }, top: k });
  const desc = key.direction === 'desc';
  const classes = isBuiltInField(key.field) ? BUILT_IN_CLASSES : desc ? METADATA_CLASSES_DESC : METADATA_CLASSES;
  const found: StoredSummary[] = [];
  for (const orderClass of classes) {
    const remaining = k - found.length;
    if (remaining <= 0) break;
    const scopedParameters = parameters.fork();
    const scoped = orderClass.type ? [...where, compileTypeClass(key.field, orderClass.type, scopedParameters)] : where;
    if (orderClass.mode === 'tied') {
      found.push(...(await top(source, scoped, scopedParameters, rest, remaining)));
    } else if (orderClass.mode === 'unordered') {
      found.push(...(await unordered(source, scoped, scopedParameters, keys, remaining)));
    } else {
      found.push(...(await ordered(source, scoped, scopedParameters, key, rest, remaining, desc)));
    }
  }
  return found;
}

/** A class of numbers or strings: ordered by the service, the last value's ties resolved by the next keys. */
async function ordered(source: SummarySource, where: readonly string[], parameters: ParameterList, key: OrderKey, rest: readonly OrderKey[], k: number, desc: boolean): Promise<StoredSummary[]> {
  const rows = await source.fetch(where, parameters, { sort: { accessor: compileSortField(key.field), desc }, top: k });
  const last = rows.at(-1);
  if (rows.length < k || last === undefined) return rows;
  const boundary = fieldValue(toSummary(last), key.field);
  if (typeof boundary !== 'number' && typeof boundary !== 'string') {
    throw new KernelError('internal', `Cosmos DB ordered ${key.field} by a value of another type than asked for`);
  }
  const before = rows.filter((row) => fieldValue(toSummary(row), key.field) !== boundary);
  const tieParameters = parameters.fork();
  const ties = [...where, compileEquals(key.field, boundary, tieParameters)];
  return [...before, ...(await top(source, ties, tieParameters, rest, k - before.length))];
}

/** Arrays and objects: read whole (bounded) and sorted here by the full comparator. */
async function unordered(source: SummarySource, where: readonly string[], parameters: ParameterList, keys: readonly OrderKey[], k: number): Promise<StoredSummary[]> {
  const rows = await source.fetch(where, parameters, { top: UNSORTED_CAP + 1 });
  if (rows.length > UNSORTED_CAP) {
    throw new KernelError('not_supported', `more than ${UNSORTED_CAP} entries hold an array or object in ${keys[0]?.field ?? 'the order key'}; Cosmos DB cannot order them: narrow the query`);
  }
  const order = entryComparator([...keys]);
  return rows
    .map((stored) => ({ stored, summary: toSummary(stored) }))
    .sort((a, b) => order(a.summary, b.summary))
    .slice(0, k)
    .map(({ stored }) => stored);
}
