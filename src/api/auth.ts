/** Authentication: the only way a request gets a user, and with it everything it may see. */
import { isKernelError, KernelError } from '../kernel/index.js';
import type { Authenticator, Identity } from '../security/index.js';
import type { ApiRequest } from './types.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * A bearer token, when the request has an Authorization header, is the only credential looked
 * at. Without one, the authenticator may accept an identity asserted by a trusted front end
 * (App Service authentication, opt-in); every other header (`x-user-id`, `x-ms-client-principal-id`,
 * `ce-userid`, ...) is ignored, and the request is refused. Every refusal (401) also says how to
 * get a token the deployment accepts (the authenticator's `tokenHint`: a local dev token from
 * `npx vextir token <user>`, or an Entra ID access token on Azure).
 */
export async function authenticate(request: ApiRequest, authenticator: Authenticator): Promise<Identity> {
  try {
    return await identify(request, authenticator);
  } catch (error) {
    const hint = authenticator.tokenHint;
    if (hint === undefined || !isKernelError(error, 'unauthenticated')) throw error;
    throw new KernelError('unauthenticated', `${error.message}; ${hint}`, { cause: error, ...(error.details !== undefined && { details: error.details }) });
  }
}

async function identify(request: ApiRequest, authenticator: Authenticator): Promise<Identity> {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') {
    const asserted = await authenticator.authenticateHeaders?.(request.headers);
    if (asserted !== undefined) return asserted;
    throw new KernelError('unauthenticated', 'this endpoint needs an "Authorization: Bearer <token>" header');
  }
  const token = BEARER.exec(header.trim())?.[1];
  if (token === undefined) throw new KernelError('unauthenticated', 'the Authorization header must be "Bearer <token>"');
  return authenticator.authenticate(token);
}

/**
 * For admin-only operations (global policies, dead-letter replay). `adminRole` only words the
 * message (the identity's `admin` flag already reflects VEXTIR_ADMIN_ROLE); pass it where known.
 */
export function requireAdmin(identity: Identity, adminRole?: string): void {
  if (identity.admin) return;
  const role = adminRole === undefined ? 'the admin app role (VEXTIR_ADMIN_ROLE, default "Vextir.Admin")' : `the "${adminRole}" app role`;
  throw new KernelError('forbidden', `this operation needs ${role}; user "${identity.userId}" does not hold it`);
}
