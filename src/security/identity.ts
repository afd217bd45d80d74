/** Who is calling, as established from a verified token, and nothing else. */
export interface Identity {
  userId: string;
  roles: readonly string[];
  /** Holds the configured admin role (VEXTIR_ADMIN_ROLE): may manage global policies and replay dead letters. */
  admin: boolean;
}

/** Case-insensitive request header lookup (a WHATWG `Headers` satisfies it). */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** Verifies bearer tokens. Implementations: dev HS256 tokens (local), Entra ID (Azure). */
export interface Authenticator {
  /** Resolves the identity or throws KernelError `unauthenticated` with a reason (`unavailable` if the keys cannot be fetched). */
  authenticate(bearerToken: string): Promise<Identity>;
  /**
   * Optional: the identity a trusted front end asserted for a request that carries no bearer
   * token (App Service authentication, opt-in). Resolves undefined when the request carries no
   * such assertion (the caller answers 401); throws `unauthenticated` for one that is present
   * but unusable. Authenticators without it never look at any header but Authorization.
   */
  authenticateHeaders?(headers: HeaderLookup): Promise<Identity | undefined>;
  /**
   * How a caller obtains a token this authenticator accepts, in a few words; the API adds it to
   * every 401, so a refusal says what to do next (and it differs between local and Azure mode).
   */
  readonly tokenHint?: string | undefined;
}
