/** Bearer authentication: the only way a request gets a user, and with it everything it may see. */
import { KernelError } from '../kernel/index.js';
import type { Authenticator, Identity } from '../security/index.js';
import type { ApiRequest } from './types.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export async function authenticate(request: ApiRequest, authenticator: Authenticator): Promise<Identity> {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') {
    throw new KernelError('unauthenticated', 'this endpoint needs an "Authorization: Bearer <token>" header');
  }
  const token = BEARER.exec(header.trim())?.[1];
  if (token === undefined) throw new KernelError('unauthenticated', 'the Authorization header must be "Bearer <token>"');
  return authenticator.authenticate(token);
}
