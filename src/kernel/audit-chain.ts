/**
 * The hash chain over each user's audit trail: how a log places an entry in the chain, and how
 * anyone holding the entries checks them.
 *
 * Every entry carries `seq` (1, 2, 3, ... per user), `prevHash` (the previous entry's `hash`,
 * GENESIS_HASH for seq 1) and `hash` = SHA-256 (hex) of the RFC 8785 canonical JSON of the
 * entry without `hash`. So an entry's hash covers its content and, through `prevHash`, every
 * entry before it.
 *
 * What a verified chain proves: nobody changed, removed, reordered or inserted an entry anywhere
 * before the head, without also rewriting every entry after it. Whoever verifies needs no key and
 * need not trust the server: `vextir audit verify` downloads the entries and checks them itself.
 *
 * What it does not prove:
 * - That the newest entries were not cut off. Dropping the last N entries leaves a shorter chain
 *   that is perfectly valid. Only an anchor kept outside the store detects that: the `head`
 *   (seq and hash) that verification prints. Record it somewhere else (a ticket, a commit, a
 *   second system); a later verification must reach that seq with that hash.
 * - That nobody with write access to the store rewrote the chain from some point on, recomputing
 *   every later hash: the hashes are not secret (no signature, no key). An external anchor
 *   detects that too: the recorded head no longer matches.
 * - That every decision was logged: the chain covers what reached the log.
 *
 * Read-back stability: verification recomputes hashes from entries parsed by auditEntrySchema.
 * Fields absent from an entry stay absent and defaults only fill absent fields, so an entry
 * written and read back by any store hashes the same. That holds as long as the schema only ever
 * gains OPTIONAL fields without defaults: a new field with a default, or a removed field (zod
 * drops unknown keys), would change the hash of every stored entry.
 */
import { hash } from 'node:crypto';
import { auditEntrySchema, shapedEntry, type AuditDraft, type AuditEntry } from './audit.js';
import { canonicalJson } from './canonical-json.js';
import { KernelError } from './errors.js';

/** The `prevHash` of every chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The last entry of a chain (or of a verified prefix): what an outside anchor records. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Why verification stopped, as a code to branch on. */
export type ChainBreakCode = 'missing_chain_fields' | 'wrong_user' | 'hash_mismatch' | 'seq_gap' | 'prev_hash_mismatch';

export interface ChainBreak {
  /** The entry's claimed position, when it has one. */
  seq?: number;
  id: string;
  code: ChainBreakCode;
  /** For people: what is wrong and what it means. */
  reason: string;
}

export type ChainVerification =
  | { ok: true; count: number; head?: ChainHead }
  /** `count` entries verified before the break. */
  | { ok: false; count: number; broken: ChainBreak };

export interface VerifyOptions {
  /** Where the given entries continue a chain (a previous page's head); the genesis by default. */
  startAfter?: ChainHead;
  /** The user whose chain this must be; the first entry's user by default. */
  userId?: string;
}

/** An entry placed in its chain, and its JSON text (hash included): what a log stores. */
export interface ChainedEntry {
  entry: AuditEntry;
  text: string;
}

/** Place `draft` after `previous` (undefined: the first entry of its user's chain). */
export function chainEntry(draft: AuditDraft, previous: ChainHead | undefined): AuditEntry {
  return chainEntryWithText(draft, previous).entry;
}

/**
 * chainEntry, also returning the entry's JSON text, built from the canonical text the hash was
 * computed over: a log stores it as is instead of serializing the entry a second time (this runs
 * for every processed event).
 */
export function chainEntryWithText(draft: AuditDraft, previous: ChainHead | undefined): ChainedEntry {
  let entry = shapedEntry(draft);
  if (entry === undefined) {
    const parsed = auditEntrySchema.safeParse(draft);
    if (!parsed.success) {
      throw new KernelError('invalid_input', `audit entry ${String(draft.id)} does not match the audit schema`, { cause: parsed.error, retryable: false });
    }
    // The parse made a fresh object: set the chain fields on it rather than copying it again.
    // A `hash` smuggled into the draft is dropped.
    entry = parsed.data;
    if ('hash' in entry) entry = withoutHash(entry);
  }
  entry.seq = (previous?.seq ?? 0) + 1;
  entry.prevHash = previous?.hash ?? GENESIS_HASH;
  let canonical: string;
  try {
    canonical = canonicalText(entry);
  } catch {
    // RFC 8785 refuses lone surrogates (a driver's error message may carry one): store them as U+FFFD.
    entry = wellFormed(entry) as AuditEntry;
    canonical = canonicalText(entry);
  }
  entry.hash = hash('sha256', canonical, 'hex');
  // Member order means nothing to JSON: the hash goes last (`canonical` is a non-empty object,
  // it has at least seq and prevHash).
  return { entry, text: `${canonical.slice(0, -1)},"hash":"${entry.hash}"}` };
}

/** SHA-256 (hex) of the canonical JSON of `entry` without its `hash` field. */
export function entryHash(entry: AuditEntry): string {
  return contentHash(withoutHash(entry));
}

function contentHash(content: Omit<AuditEntry, 'hash'>): string {
  return hash('sha256', canonicalText(content), 'hex');
}

function canonicalText(content: Omit<AuditEntry, 'hash'>): string {
  const text = canonicalJson(content);
  if (text === undefined) throw new KernelError('internal', 'an audit entry has no canonical JSON form');
  return text;
}

function withoutHash(entry: AuditEntry): AuditEntry {
  const { hash: _ignored, ...content } = entry;
  return content;
}

/**
 * Check a run of one user's entries, oldest first. Stops at the first entry that is not what
 * the chain says it must be, and names it. Reasons, in the order they are checked:
 * - missing chain fields: the entry was never chained (or the fields were stripped);
 * - wrong user: an entry of another user's chain;
 * - hash mismatch: the entry's content changed after it was written;
 * - seq gap: an entry is missing before it, or entries were reordered or duplicated;
 * - prevHash mismatch: the entry before it is not the one it was chained to (removed, inserted,
 *   or changed and re-hashed).
 */
export function verifyAuditChain(entries: readonly AuditEntry[], options: VerifyOptions = {}): ChainVerification {
  const userId = options.userId ?? entries[0]?.userId;
  let head: ChainHead | undefined = options.startAfter;
  let count = 0;
  for (const entry of entries) {
    const broken = check(entry, userId, head);
    if (broken !== undefined) return { ok: false, count, broken };
    head = { seq: entry.seq as number, hash: entry.hash as string };
    count += 1;
  }
  return head === undefined ? { ok: true, count } : { ok: true, count, head };
}

function check(entry: AuditEntry, userId: string | undefined, previous: ChainHead | undefined): ChainBreak | undefined {
  const at = (code: ChainBreakCode, reason: string): ChainBreak => ({ ...(entry.seq === undefined ? {} : { seq: entry.seq }), id: entry.id, code, reason });
  if (entry.seq === undefined || entry.prevHash === undefined || entry.hash === undefined) {
    return at('missing_chain_fields', 'missing chain fields: the entry has no seq, prevHash or hash');
  }
  if (entry.userId !== userId) return at('wrong_user', `wrong user: the entry belongs to ${JSON.stringify(entry.userId)}, not ${JSON.stringify(userId)}`);
  if (entryHash(entry) !== entry.hash) return at('hash_mismatch', 'hash mismatch: the entry was changed after it was written');
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (entry.seq !== expectedSeq) {
    return at('seq_gap', `seq gap: expected seq ${expectedSeq}, found ${entry.seq} (entries removed, reordered or duplicated)`);
  }
  if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
    return at('prev_hash_mismatch', 'prevHash mismatch: the entry before it is not the one it was chained to (removed, inserted or rewritten)');
  }
  return undefined;
}

/**
 * Verify a whole chain that is read in pages (`afterSeq` exclusive, oldest first, at most
 * `pageSize` entries): what the API does server-side and the CLI does client-side.
 */
export async function verifyChainPages(
  readPage: (afterSeq: number) => Promise<readonly AuditEntry[]>,
  options: { userId: string; pageSize: number },
): Promise<ChainVerification> {
  let head: ChainHead | undefined;
  let count = 0;
  for (;;) {
    const page = await readPage(head?.seq ?? 0);
    const result = verifyAuditChain(page, { userId: options.userId, ...(head === undefined ? {} : { startAfter: head }) });
    count += result.count;
    if (!result.ok) return { ok: false, count, broken: result.broken };
    head = result.head;
    // A short page is the end; a page that verified always moved the head forward, so this ends.
    if (page.length < options.pageSize) return head === undefined ? { ok: true, count } : { ok: true, count, head };
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD');
  if (Array.isArray(value)) return value.map(wellFormed);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [wellFormed(key) as string, wellFormed(item)]));
  }
  return value;
}
