/**
 * `vextir audit ls` and `vextir audit verify`: a user's audit hash chain.
 *
 * `verify` downloads the whole chain (GET /api/audit, page by page) and checks it here with the
 * same code the server uses, so its verdict does not rest on the server's word. What an intact
 * chain proves, and what it does not: src/kernel/audit-chain.ts. In short, record the printed
 * head (seq and hash) somewhere outside this system: a later `verify` that no longer reaches
 * that seq with that hash means entries were cut off or rewritten.
 */
import { z } from 'zod';
import { type AuditEntry, auditEntrySchema, verifyChainPages } from '../../kernel/index.js';
import { CliError } from '../cli-error.js';
import type { Client } from '../client.js';

/** The largest page the server hands out. */
const PAGE_SIZE = 1000;

// Each entry is parsed as a store read parses it, so the hash is computed over the same fields.
const pageSchema = z.object({ user: z.string(), entries: z.array(auditEntrySchema), next: z.number().int().nullable() });
type Page = z.infer<typeof pageSchema>;

export interface AuditOptions {
  /** Whose chain (another user's needs an admin token); the token's user by default. */
  user?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

export async function auditListCommand(client: Client, options: AuditOptions): Promise<void> {
  const page = await fetchPage(client, options.user, options.after ?? '0', options.limit ?? '100');
  for (const entry of page.entries) process.stdout.write(`${formatAuditLine(entry)}\n`);
  if (page.next !== null) process.stdout.write(`(more: --after ${page.next})\n`);
}

export async function auditVerifyCommand(client: Client, options: AuditOptions): Promise<void> {
  // Without --user the chain is the token's user's: the first page names them.
  const first = await fetchPage(client, options.user, '0', String(PAGE_SIZE));
  const owner = options.user ?? first.user;
  const result = await verifyChainPages(
    async (afterSeq) => (afterSeq === 0 ? first.entries : (await fetchPage(client, options.user, String(afterSeq), String(PAGE_SIZE))).entries),
    { userId: owner, pageSize: PAGE_SIZE },
  );
  if (!result.ok) {
    const { broken } = result;
    process.stdout.write(`audit chain of ${owner}: BROKEN after ${result.count} intact entries\n`);
    throw new CliError(`audit entry ${broken.id} (seq ${broken.seq ?? '?'}) fails verification: ${broken.reason}`, 1);
  }
  const head = result.head === undefined ? 'empty' : `head ${result.head.seq} ${result.head.hash.slice(0, 16)}`;
  process.stdout.write(`audit chain of ${owner}: ${result.count} entries, intact (${head})\n`);
  if (result.head !== undefined) process.stdout.write(`head hash: ${result.head.hash}\n`);
}

async function fetchPage(client: Client, user: string | undefined, after: string, limit: string): Promise<Page> {
  const query = new URLSearchParams({ after, limit });
  if (user !== undefined) query.set('user', user);
  const body = await client.json<unknown>('GET', `/api/audit?${query.toString()}`);
  const parsed = pageSchema.safeParse(body);
  if (!parsed.success) throw new CliError(`the server's audit page is not in the expected form: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** One line per entry: seq, time, kind, what happened, and the start of its hash. */
export function formatAuditLine(entry: AuditEntry): string {
  const what =
    entry.kind === 'event'
      ? `${entry.eventType ?? '?'} ${entry.eventId ?? '?'} ${entry.status ?? ''}${entry.decision ? ` ${entry.decision.allowed ? 'allowed' : 'denied'} by ${entry.decision.authorizer}` : ''}`
      : entry.kind === 'access'
        ? `${entry.request ? `${entry.request.method} ${entry.request.path} ${entry.request.status}` : (entry.target ?? '')} ${entry.reason ?? ''}`
        : `${entry.action ?? '?'} ${entry.target ?? ''} ${entry.reason ?? ''}`;
  return `${String(entry.seq ?? '-').padStart(6)} ${entry.at} ${entry.kind.padEnd(6)} ${what.trim()} ${(entry.hash ?? '').slice(0, 12)}`;
}
