/**
 * Local development tokens: HS256 JWTs signed with a secret created on first start in the data
 * folder. Accepted only in local mode: the Azure host never builds this authenticator
 * (and Entra's RS256-only allow-list refuses HS256 anyway). `npx vextir token <user>` prints one.
 */
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import { KernelError, userIdSchema } from '../kernel/index.js';
import type { Authenticator, Identity } from './identity.js';
import { DEFAULT_ADMIN_ROLE, makeIdentity, rolesFromClaim } from './roles.js';
import { describeTokenError } from './token-errors.js';

const ISSUER = 'vextir-local';
const AUDIENCE = 'vextir';
const SECRET_FILE = 'dev-token-secret';

/** Read the data folder's signing secret, creating it (mode 0600) on first use. */
export function loadOrCreateDevSecret(dataDir: string): Uint8Array {
  const file = join(dataDir, SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // Written aside, then linked into place: another process (a CLI next to `vextir start`) sees
    // no file or a whole one, never a half-written secret; whoever links first wins.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    chmodSync(draft, 0o600);
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export async function signDevToken(secret: Uint8Array, userId: string, options: { roles?: string[]; expiresIn?: string } = {}): Promise<string> {
  const parsed = userIdSchema.safeParse(userId);
  if (!parsed.success) throw new KernelError('invalid_input', `user id "${userId}" ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return new SignJWT({ roles: options.roles ?? [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '30d')
    .sign(secret);
}

export interface DevTokenOptions {
  /** The role that makes a caller an admin (VEXTIR_ADMIN_ROLE); default `Vextir.Admin`. */
  adminRole?: string;
}

/** What a caller of the embedded default does to get a token (added to every 401). */
export const DEV_TOKEN_HINT = 'get a local dev token with `npx vextir token <user>`, run in the folder where `vextir start` runs (it signs with that data folder\'s secret)';

export class DevTokenAuthenticator implements Authenticator {
  readonly tokenHint = DEV_TOKEN_HINT;
  // Imported once: handing jose raw bytes makes it import a key on every verification.
  readonly #key: KeyObject;
  readonly #adminRole: string;

  constructor(secret: Uint8Array, options: DevTokenOptions = {}) {
    this.#key = createSecretKey(secret);
    this.#adminRole = options.adminRole ?? DEFAULT_ADMIN_ROLE;
  }

  async authenticate(token: string): Promise<Identity> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp'],
      });
      const userId = userIdSchema.safeParse(payload.sub);
      if (!userId.success) throw new KernelError('unauthenticated', 'the token subject is not a valid user id');
      return makeIdentity(userId.data, rolesFromClaim(payload['roles']), this.#adminRole);
    } catch (error) {
      if (error instanceof KernelError) throw error;
      throw new KernelError('unauthenticated', describeTokenError(error), { cause: error });
    }
  }
}
