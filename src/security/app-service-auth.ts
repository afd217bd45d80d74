/**
 * App Service authentication ("Easy Auth"), opt-in: VEXTIR_TRUST_APP_SERVICE_AUTH=true, Azure only.
 *
 * When the platform's authentication module is enabled it signs the caller in (or validates
 * their token) in front of the app, drops any `X-MS-CLIENT-PRINCIPAL*` header the client sent,
 * and injects its own. Without the module those headers come straight from the client, which is
 * why trusting them is off by default and the configuration refuses to turn it on unless the
 * platform reports the module enabled (WEBSITE_AUTH_ENABLED).
 *
 * Only `X-MS-CLIENT-PRINCIPAL` is read (base64 JSON: `auth_typ`, `claims: [{typ, val}]`,
 * `role_typ`); the `-ID`, `-NAME` and `-IDP` headers are convenience copies and are ignored.
 * Accepted: the Microsoft Entra provider (`auth_typ` "aad") and the configured tenant. The user id
 * is the object id claim, else the name identifier; roles are the role claims. A bearer token,
 * when present, always wins (see src/api/auth.ts): it is verified as usual.
 */
import { z } from 'zod';
import { KernelError, userIdSchema } from '../kernel/index.js';
import type { Authenticator, HeaderLookup, Identity } from './identity.js';
import { DEFAULT_ADMIN_ROLE, makeIdentity } from './roles.js';

export const APP_SERVICE_PRINCIPAL_HEADER = 'x-ms-client-principal';

const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const NAME_ID_CLAIMS = ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier'];
const TENANT_CLAIMS = ['http://schemas.microsoft.com/identity/claims/tenantid', 'tid'];
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

/** The decoded header. Loose: the platform may add fields; only these are read. */
const principalSchema = z.object({
  auth_typ: z.string(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
  role_typ: z.string().optional(),
});
type Principal = z.infer<typeof principalSchema>;

export interface AppServiceAuthOptions {
  /** The tenant whose principals are accepted (ENTRA_TENANT_ID). */
  tenantId: string;
  adminRole?: string;
}

/** Bearer tokens go to `bearer`; a request without one may be authenticated from the platform's principal header. */
export class AppServiceAuthenticator implements Authenticator {
  readonly #tenantId: string;
  readonly #adminRole: string;

  constructor(private readonly bearer: Authenticator, options: AppServiceAuthOptions) {
    this.#tenantId = options.tenantId.toLowerCase();
    this.#adminRole = options.adminRole ?? DEFAULT_ADMIN_ROLE;
  }

  get tokenHint(): string | undefined {
    return this.bearer.tokenHint;
  }

  authenticate(token: string): Promise<Identity> {
    return this.bearer.authenticate(token);
  }

  async authenticateHeaders(headers: HeaderLookup): Promise<Identity | undefined> {
    const header = headers.get(APP_SERVICE_PRINCIPAL_HEADER);
    if (header === null || header.trim() === '') return undefined;
    const principal = decode(header);
    if (principal.auth_typ.toLowerCase() !== 'aad') {
      throw new KernelError('unauthenticated', `the App Service principal comes from the "${principal.auth_typ}" provider; only Microsoft Entra ("aad") is accepted`);
    }
    const tenant = claim(principal, TENANT_CLAIMS);
    if (tenant?.toLowerCase() !== this.#tenantId) throw new KernelError('unauthenticated', 'the App Service principal is not from the configured tenant');
    const userId = userIdSchema.safeParse(claim(principal, OBJECT_ID_CLAIMS) ?? claim(principal, NAME_ID_CLAIMS));
    if (!userId.success) throw new KernelError('unauthenticated', 'the App Service principal carries no usable user id (object id or name identifier)');
    const roleTypes = new Set([...ROLE_CLAIMS, ...(principal.role_typ ? [principal.role_typ] : [])]);
    const roles = principal.claims.filter((entry) => roleTypes.has(entry.typ)).map((entry) => entry.val);
    return makeIdentity(userId.data, [...new Set(roles)], this.#adminRole);
  }
}

function decode(header: string): Principal {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(header.trim(), 'base64').toString('utf8'));
  } catch (error) {
    throw new KernelError('unauthenticated', 'the App Service principal header is not base64-encoded JSON', { cause: error });
  }
  const parsed = principalSchema.safeParse(json);
  if (!parsed.success) throw new KernelError('unauthenticated', 'the App Service principal header does not have the expected shape');
  return parsed.data;
}

/** The first value of the first claim type present, in the order given. */
function claim(principal: Principal, types: readonly string[]): string | undefined {
  for (const type of types) {
    const found = principal.claims.find((entry) => entry.typ === type);
    if (found) return found.val;
  }
  return undefined;
}
