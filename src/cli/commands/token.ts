import type { Config } from '../../config.js';
import { loadOrCreateDevSecret, signDevToken } from '../../security/index.js';
import { CliError } from '../cli-error.js';

export interface TokenCommandOptions {
  roles: string[];
  /** Adds the configured admin role (VEXTIR_ADMIN_ROLE) to `roles`. */
  admin: boolean;
  expiresIn: string | undefined;
}

/** Prints a local dev token for a user (HS256, signed with the data folder's secret). */
export async function tokenCommand(config: Config, user: string | undefined, options: TokenCommandOptions): Promise<void> {
  if (!user) throw new CliError('usage: vextir token <user> [--admin] [--role <role>]... [--expires 30d]', 2);
  if (config.mode !== 'local') throw new CliError('dev tokens exist only in local mode; on Azure use an Entra ID token');
  const roles = [...new Set(options.admin ? [...options.roles, config.auth.adminRole] : options.roles)];
  const token = await signDevToken(loadOrCreateDevSecret(config.dataDir), user, { roles, ...(options.expiresIn ? { expiresIn: options.expiresIn } : {}) });
  process.stdout.write(`${token}\n`);
}
