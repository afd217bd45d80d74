/**
 * Microsoft Entra ID bearer tokens: signature against the tenant's JWKS (fetched once, cached
 * and refreshed by jose), issuer, audience, expiry and not-before with a small clock skew, and an
 * algorithm allow-list. The user id is the token's `oid` (stable per user across apps), else `sub`.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { KernelError, userIdSchema } from '../kernel/index.js';
import type { Authenticator, Identity } from './identity.js';
import { describeTokenError } from './token-errors.js';

export interface EntraOptions {
  tenantId: string;
  audience: string;
  /** Overrides for tests and sovereign clouds; default: the public cloud's v2.0 endpoints. */
  issuer?: string;
  jwksUrl?: string;
}

export class EntraAuthenticator implements Authenticator {
  readonly #keys: JWTVerifyGetKey;
  readonly #issuer: string;

  constructor(private readonly options: EntraOptions) {
    const authority = `https://login.microsoftonline.com/${encodeURIComponent(options.tenantId)}`;
    this.#issuer = options.issuer ?? `${authority}/v2.0`;
    this.#keys = createRemoteJWKSet(new URL(options.jwksUrl ?? `${authority}/discovery/v2.0/keys`), { cooldownDuration: 30_000 });
  }

  async authenticate(token: string): Promise<Identity> {
    try {
      const { payload } = await jwtVerify(token, this.#keys, {
        algorithms: ['RS256'],
        issuer: this.#issuer,
        audience: this.options.audience,
        clockTolerance: 60,
        requiredClaims: ['exp', 'sub'],
      });
      const userId = userIdSchema.safeParse(typeof payload['oid'] === 'string' ? payload['oid'] : payload.sub);
      if (!userId.success) throw new KernelError('unauthenticated', 'the token carries no usable user id (oid or sub)');
      const roles = Array.isArray(payload['roles']) ? payload['roles'].filter((role): role is string => typeof role === 'string') : [];
      return { userId: userId.data, roles };
    } catch (error) {
      if (error instanceof KernelError) throw error;
      if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
        // Not a verdict on the token (the key set could not be fetched): the caller may retry.
        throw new KernelError('unavailable', 'the token signing keys could not be fetched', { cause: error });
      }
      throw new KernelError('unauthenticated', describeTokenError(error), { cause: error });
    }
  }
}
