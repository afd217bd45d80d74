/** Who is calling, as established from a verified token, and nothing else. */
export interface Identity {
  userId: string;
  roles: readonly string[];
}

/** Verifies bearer tokens. Implementations: dev HS256 tokens (local), Entra ID (Azure). */
export interface Authenticator {
  /** Resolves the identity or throws KernelError `unauthenticated` with a reason. */
  authenticate(bearerToken: string): Promise<Identity>;
}
