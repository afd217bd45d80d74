/**
 * Microsoft Entra ID access tokens, verified with jose and nothing taken on trust:
 * - signature: RS256 only (the one algorithm Entra signs access tokens with), against the
 *   tenant's published JWKS, fetched on first use, cached and refetched by jose for unknown `kid`s
 *   (at most every 30 s). Keys embedded in the token (`jwk`, `jku`, `x5u`) are never used;
 * - issuer: exactly the v1 (`https://sts.windows.net/<tid>/`) or v2
 *   (`https://login.microsoftonline.com/<tid>/v2.0`) issuer of the configured tenant, and a `tid`
 *   claim naming that tenant (public cloud only);
 * - audience: the configured one. When it is an application (client) id, its default App ID URI
 *   `api://<client id>` is accepted too, and the other way round: v1 tokens carry the App ID URI,
 *   v2 tokens the client id, and both name the same application. Any other audience is exact;
 * - expiry (required) and not-before, with CLOCK_SKEW_SECONDS of tolerance;
 * - an access token, not an ID token: it must carry a delegated scope (`scp`) or an app role
 *   (`roles`), as an ID token for the same client id carries neither.
 * The user id is `oid` (the object id: stable per user and tenant, the same in every app), else
 * `sub` (an app-only token for a principal without `oid`), and must be a valid user id. No other
 * claim (`userid`, `preferred_username`, `upn`, ...) ever names the user.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { KernelError, userIdSchema } from '../kernel/index.js';
import type { Authenticator, Identity } from './identity.js';
import { DEFAULT_ADMIN_ROLE, makeIdentity, rolesFromClaim } from './roles.js';
import { describeTokenError } from './token-errors.js';

/** Tolerance for the caller's and Entra's clocks on `exp` and `nbf`. */
export const CLOCK_SKEW_SECONDS = 60;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EntraOptions {
  /** The tenant (directory) id, a GUID. `common`, `organizations` and domain names are refused: they would not pin the issuer. */
  tenantId: string;
  /** The API's application (client) id or App ID URI. */
  audience: string;
  /** The app role that makes a caller an admin (VEXTIR_ADMIN_ROLE). */
  adminRole?: string;
  /** Where the signing keys are fetched; tests point it at a loopback server. Not a setting. */
  jwksUrl?: string;
}

export class EntraAuthenticator implements Authenticator {
  readonly #keys: JWTVerifyGetKey;
  readonly #tenantId: string;
  readonly #issuers: string[];
  readonly #audiences: string[];
  readonly #adminRole: string;
  /** The audience is what a client asks Entra for; naming it is what makes the hint usable. */
  readonly tokenHint: string;

  constructor(options: EntraOptions) {
    if (!GUID.test(options.tenantId)) throw new KernelError('invalid_input', `the Entra tenant id must be the directory's GUID, not "${options.tenantId}"`);
    if (options.audience.trim() === '') throw new KernelError('invalid_input', 'the Entra audience must not be empty');
    this.#tenantId = options.tenantId.toLowerCase();
    this.#issuers = [`https://sts.windows.net/${this.#tenantId}/`, `https://login.microsoftonline.com/${this.#tenantId}/v2.0`];
    this.#audiences = acceptedAudiences(options.audience);
    this.#adminRole = options.adminRole ?? DEFAULT_ADMIN_ROLE;
    this.tokenHint = `send an Entra ID access token for the API (audience "${options.audience}")`;
    const jwksUrl = new URL(options.jwksUrl ?? `https://login.microsoftonline.com/${this.#tenantId}/discovery/v2.0/keys`);
    this.#keys = keyResolver(createRemoteJWKSet(jwksUrl, { cooldownDuration: 30_000 }));
  }

  async authenticate(token: string): Promise<Identity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        algorithms: ['RS256'],
        issuer: this.#issuers,
        audience: this.#audiences,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'tid'],
      }));
    } catch (error) {
      if (error instanceof KernelError) throw error;
      throw new KernelError('unauthenticated', describeTokenError(error), { cause: error });
    }
    if (typeof payload['tid'] !== 'string' || payload['tid'].toLowerCase() !== this.#tenantId) {
      throw new KernelError('unauthenticated', `the token's "tid" claim is not acceptable`);
    }
    const roles = rolesFromClaim(payload['roles']);
    if (typeof payload['scp'] !== 'string' && roles.length === 0) {
      throw new KernelError('unauthenticated', 'the token is not an access token for this API (it carries neither "scp" nor "roles")');
    }
    return makeIdentity(userIdFrom(payload), roles, this.#adminRole);
  }
}

/** `oid` when the token has one (it must then be valid: no falling back past a bad `oid`), else `sub`. */
function userIdFrom(payload: JWTPayload): string {
  const claim = 'oid' in payload ? 'oid' : 'sub';
  const userId = userIdSchema.safeParse(payload[claim]);
  if (!userId.success) throw new KernelError('unauthenticated', 'the token carries no usable user id (oid or sub)');
  return userId.data;
}

function acceptedAudiences(audience: string): string[] {
  if (GUID.test(audience)) return [audience, `api://${audience}`];
  const clientId = /^api:\/\/(.+)$/.exec(audience)?.[1];
  return clientId !== undefined && GUID.test(clientId) ? [audience, clientId] : [audience];
}

/**
 * A key that cannot be found for the token's `kid` is a verdict on the token (401); any other
 * failure to get the keys (timeout, network, a non-200 or malformed key set) is not, and must
 * not read as one: the caller gets `unavailable` (503) and may retry.
 */
function keyResolver(remote: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) throw error;
      throw new KernelError('unavailable', 'the token signing keys could not be fetched', { cause: error });
    }
  };
}
