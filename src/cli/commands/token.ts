import type { Config } from '../../config.js';
import { loadOrCreateDevSecret, signDevToken } from '../../security/index.js';
import { CliError } from '../cli-error.js';

/** Prints a local dev token for a user (HS256, signed with the data folder's secret). */
export async function tokenCommand(config: Config, user: string | undefined, roles: string[], expiresIn: string | undefined): Promise<void> {
  if (!user) throw new CliError('usage: vextir token <user> [--role <role>]... [--expires 30d]', 2);
  if (config.mode !== 'local') throw new CliError('dev tokens exist only in local mode; on Azure use an Entra ID token');
  const token = await signDevToken(loadOrCreateDevSecret(config.dataDir), user, { roles, ...(expiresIn ? { expiresIn } : {}) });
  process.stdout.write(`${token}\n`);
}
