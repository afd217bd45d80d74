/**
 * Remembers verified tokens so a client that reuses its token (every client does) pays for
 * signature verification once, not on every request. Entries never outlive the token's own
 * expiry nor `maxAgeMs`; the cache is bounded, oldest entries go first. Refusals are not cached.
 */
import type { Authenticator, Identity } from './identity.js';

export interface TokenCacheOptions {
  maxEntries?: number;
  /** Upper bound on how long a verification is trusted, whatever the token's expiry. */
  maxAgeMs?: number;
  now?: () => number;
}

export class CachingAuthenticator implements Authenticator {
  readonly #entries = new Map<string, { identity: Identity; until: number }>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  get tokenHint(): string | undefined {
    return this.inner.tokenHint;
  }

  constructor(private readonly inner: Authenticator, options: TokenCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  async authenticate(token: string): Promise<Identity> {
    const now = this.#now();
    const cached = this.#entries.get(token);
    if (cached && cached.until > now) return cached.identity;
    if (cached) this.#entries.delete(token);
    const identity = await this.inner.authenticate(token);
    const expiresAt = tokenExpiry(token);
    const until = Math.min(now + this.#maxAgeMs, expiresAt ?? now);
    if (until > now) {
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(token, { identity, until });
    }
    return identity;
  }
}

/** The `exp` of a token that was just verified (so its payload is well-formed), in ms. */
function tokenExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
