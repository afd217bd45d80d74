/**
 * Context paths given on the command line go through the server's own normalization
 * (normalizeContextPath) before anything is sent, so every command accepts and refuses exactly
 * what the API and `context.*` events do, with the same message: `Notes/first` is refused
 * everywhere, suggesting `/Notes/first` (a CLI that quietly added the slash would teach a
 * spelling that every other entry point refuses).
 */
import { isKernelError } from '../kernel/index.js';
// The ACL folder's index, not src/security/index.ts, which also loads the policy engine (see client.ts).
import { normalizeContextPath } from '../security/acl/index.js';
import { CliError } from './cli-error.js';

export function contextPathArg(raw: string): string {
  try {
    return normalizeContextPath(raw);
  } catch (error) {
    if (isKernelError(error, 'invalid_input')) throw new CliError(error.message, 2);
    throw error;
  }
}
