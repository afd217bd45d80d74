import type { Config } from '../../config.js';
import { isKernelError } from '../../kernel/index.js';
import { loadOrCreateDevSecret, signDevToken } from '../../security/dev-tokens.js';
import { CliError } from '../cli-error.js';
import { cliUser } from '../client.js';

export interface TokenCommandOptions {
  roles: string[];
  /** Adds the configured admin role (VEXTIR_ADMIN_ROLE) to `roles`. */
  admin: boolean;
  expiresIn: string | undefined;
  /** `--user`: whom to mint for when no positional user is given. */
  user?: string | undefined;
}

/**
 * Prints a local dev token for a user (HS256, signed with the data folder's secret). Without a
 * user it is the CLI's own (--user, VEXTIR_USER, the OS user), so `$(npx vextir token)` acts as
 * the same user as every other command; which one is said on stderr, out of `$(...)`'s way.
 */
export async function tokenCommand(config: Config, user: string | undefined, options: TokenCommandOptions): Promise<void> {
  if (config.mode !== 'local') throw new CliError('dev tokens exist only in local mode; on Azure use an Entra ID access token for the API');
  const chosen = user === undefined ? cliUser(config, options.user) : undefined;
  if (chosen) process.stderr.write(`vextir: a dev token for "${chosen.id}" (${chosen.source}; \`vextir token <user>\` for another)\n`);
  const roles = [...new Set(options.admin ? [...options.roles, config.auth.adminRole] : options.roles)];
  let token: string;
  try {
    token = await signDevToken(loadOrCreateDevSecret(config.dataDir), user ?? chosen!.id, { roles, ...(options.expiresIn ? { expiresIn: options.expiresIn } : {}) });
  } catch (error) {
    if (isKernelError(error, 'invalid_input')) throw new CliError(`${error.message}; usage: vextir token [<user>] [--admin] [--role <role>]... [--expires 30d]`, 2);
    throw error;
  }
  process.stdout.write(`${token}\n`);
}
