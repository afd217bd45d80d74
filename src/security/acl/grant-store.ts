/**
 * Grants kept in the kernel's StateStore: partition = owner user id, kind = "grant",
 * key = `${path}\n${grantee}`, value = the Grant.
 *
 * Every grant that could cover a request sits under a key built from one of the request path's
 * ancestors (or the path itself) and one of the principal's one or two grantee strings, so a
 * check is ONE `getMany` of at most (depth + 1) x 2 keys, whatever the number of grants.
 * The path comes first in the key (rather than the grantee) so that `list` can ask the store
 * for one folder's grants by key prefix instead of reading all of them; "\n" cannot occur in a
 * path or a grantee, so the key splits back unambiguously.
 *
 * Who may grant is not decided here: the caller checks that `grantedBy` is the owner (or an
 * admin) before calling `grant` or `revoke`.
 */
import { z } from 'zod';
import { KernelError, type StateItem, type StateStore, userIdSchema } from '../../kernel/index.js';
import { accessSchema, checkAccess, granteeSchema, granteesOf, grantSchema, type AccessDecision, type AccessRequest, type Grant, type Grantee, type Principal } from './acl.js';
import { normalizeContextPath, parentPaths, ROOT_PATH } from './context-path.js';

export const GRANT_KIND = 'grant';
const MAX_LIST = 1000;

/** What the owner asks for; the path may be any spelling normalizeContextPath accepts. */
export const grantRequestSchema = z.strictObject({
  path: z.string(),
  grantee: granteeSchema,
  access: accessSchema,
});
export type GrantRequest = z.infer<typeof grantRequestSchema>;

export interface ListOptions {
  /** Only grants on this folder and below it (a folder, not a string prefix: "/A" does not list "/AB"). */
  pathPrefix?: string;
  /** 1 to 1000. */
  limit: number;
}

export class GrantStore {
  constructor(private readonly store: StateStore) {}

  /** Create or replace the grant of `grantee` on `path` (re-granting changes the access). */
  async grant(owner: string, request: GrantRequest, grantedBy: string, now: Date): Promise<Grant> {
    checkUserId(owner, 'owner');
    checkUserId(grantedBy, 'grantedBy');
    const parsed = grantRequestSchema.safeParse(request);
    if (!parsed.success) throw new KernelError('invalid_input', `invalid grant: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    const { grantee, access } = parsed.data;
    if (grantee === `user:${owner}`) throw new KernelError('invalid_input', 'the owner already has full access; a grant to the owner is meaningless');
    if (grantee === `user:${grantedBy}`) throw new KernelError('invalid_input', 'a user cannot grant access to themselves');
    const grant: Grant = { path: normalizeContextPath(parsed.data.path), grantee, access, grantedBy, grantedAt: now.toISOString() };
    const item = await this.store.put(owner, GRANT_KIND, grantKey(grant.path, grant.grantee), grant);
    return parseGrant(item);
  }

  /** True when a grant was removed. Grants on ancestor folders are untouched. */
  async revoke(owner: string, path: string, grantee: string): Promise<boolean> {
    checkUserId(owner, 'owner');
    const parsed = granteeSchema.safeParse(grantee);
    if (!parsed.success) throw new KernelError('invalid_input', parsed.error.issues[0]?.message ?? 'invalid grantee');
    return this.store.delete(owner, GRANT_KIND, grantKey(normalizeContextPath(path), parsed.data));
  }

  /** The owner's grants, ordered by path then grantee. */
  async list(owner: string, options: ListOptions): Promise<Grant[]> {
    checkUserId(owner, 'owner');
    const { limit } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) throw new KernelError('invalid_input', `limit must be an integer from 1 to ${MAX_LIST}`);
    const folder = normalizeContextPath(options.pathPrefix ?? ROOT_PATH);
    if (folder === ROOT_PATH) return (await this.store.list(owner, GRANT_KIND, { limit })).map(parseGrant);
    // The folder's own grants, then its descendants': "\n" sorts before "/", so this is key order.
    const own = await this.store.list(owner, GRANT_KIND, { keyPrefix: `${folder}\n`, limit });
    const below = own.length < limit ? await this.store.list(owner, GRANT_KIND, { keyPrefix: `${folder}/`, limit: limit - own.length }) : [];
    return [...own, ...below].map(parseGrant);
  }

  /** Every grant to this principal on `path` or one of its ancestors: one store read. */
  async covering(owner: string, principal: Principal, path: string): Promise<Grant[]> {
    checkUserId(owner, 'owner');
    const canonical = normalizeContextPath(path);
    const grantees = granteesOf(principal);
    const keys = [...parentPaths(canonical), canonical].flatMap((folder) => grantees.map((grantee) => grantKey(folder, grantee)));
    const items = await this.store.getMany(owner, GRANT_KIND, keys);
    return items.map(parseGrant).sort((a, b) => compare(grantKey(a.path, a.grantee), grantKey(b.path, b.grantee)));
  }

  /** The ACL decision for one request; the owner is answered without reading the store. */
  async check(request: AccessRequest): Promise<AccessDecision> {
    if (request.principal.userId === request.owner) return checkAccess(request, []);
    return checkAccess(request, await this.covering(request.owner, request.principal, request.path));
  }
}

export function grantKey(path: string, grantee: Grantee): string {
  return `${path}\n${grantee}`;
}

/** A stored grant that does not parse, or sits under the wrong key, is a bug or tampering: never a silent allow. */
function parseGrant(item: StateItem): Grant {
  const parsed = grantSchema.safeParse(item.value);
  if (!parsed.success) {
    throw new KernelError('internal', `corrupt grant "${item.key}" in partition ${item.partition}: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  }
  if (grantKey(parsed.data.path, parsed.data.grantee) !== item.key) {
    throw new KernelError('internal', `grant stored under "${item.key}" in partition ${item.partition} is for ${parsed.data.grantee} on ${parsed.data.path}`);
  }
  return parsed.data;
}

function checkUserId(value: string, field: string): void {
  if (!userIdSchema.safeParse(value).success) throw new KernelError('invalid_input', `${field} is not a valid user id`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
