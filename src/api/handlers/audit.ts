/**
 * GET /api/audit and GET /api/audit/verify: a user's audit hash chain, and the server's check of it.
 *
 * The chain is for the caller to check, not to take on trust: `GET /api/audit` pages the
 * entries out whole (the hash covers every field), and `vextir audit verify` recomputes the
 * chain on the client. `/verify` is the same check run here, for dashboards and quick looks.
 * A clean result proves the entries up to `head` are unchanged; keep `head` somewhere outside
 * this system to also detect the newest entries being cut off (see src/kernel/audit-chain.ts).
 *
 * `?user=<id>` reads another user's chain: admins only (403 otherwise).
 */
import { z } from 'zod';
import { type AuditEntry, userIdSchema, verifyChainPages } from '../../kernel/index.js';
import { requireAdmin } from '../auth.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

export const MAX_AUDIT_PAGE = 1000;
const DEFAULT_AUDIT_PAGE = 100;

const auditQuerySchema = z.strictObject({
  after: wholeNumberParam(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: wholeNumberParam(1, MAX_AUDIT_PAGE).default(DEFAULT_AUDIT_PAGE),
  user: userIdSchema.optional(),
});

const verifyQuerySchema = z.strictObject({ user: userIdSchema.optional() });

/** One page of a chain, oldest first. `next` is the `after` for the following page; null at the end. */
export interface AuditPage {
  user: string;
  entries: AuditEntry[];
  next: number | null;
}

export async function listAudit({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, auditQuerySchema);
  const user = chainOwner(identity, query.user);
  const entries = await services.audit.chain(user, { afterSeq: query.after, limit: query.limit });
  // A full page may have more behind it; a short one is the end of the chain for now.
  const next = entries.length === query.limit ? (entries.at(-1)?.seq ?? null) : null;
  const page: AuditPage = { user, entries, next };
  return json(200, page);
}

export async function verifyAudit({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, verifyQuerySchema);
  const user = chainOwner(identity, query.user);
  const result = await verifyChainPages((afterSeq) => services.audit.chain(user, { afterSeq, limit: MAX_AUDIT_PAGE }), {
    userId: user,
    pageSize: MAX_AUDIT_PAGE,
  });
  return json(200, { user, ...result });
}

/** Whose chain: the caller's own, or (admins only) the one asked for. */
function chainOwner(identity: AuthenticatedContext['identity'], asked: string | undefined): string {
  if (asked === undefined || asked === identity.userId) return identity.userId;
  requireAdmin(identity);
  return asked;
}
