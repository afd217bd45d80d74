/** `vextir grants ls [--path]`, `vextir grants add <path> <grantee> <read|write>`, `vextir grants rm <path> <grantee>`. */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { contextPathArg } from '../paths.js';

interface GrantView {
  path: string;
  grantee: string;
  access: string;
  grantedAt: string;
}

export async function grantsListCommand(client: Client, path: string | undefined): Promise<void> {
  const { grants } = await client.json<{ grants: GrantView[] }>('GET', `/api/grants${path ? `?path=${encodeURIComponent(contextPathArg(path))}` : ''}`);
  if (grants.length === 0) process.stdout.write('no grants\n');
  for (const grant of grants) process.stdout.write(`${grant.access.padEnd(5)} ${grant.grantee.padEnd(24)} ${grant.path}\n`);
}

export async function grantAddCommand(client: Client, [path, grantee, access]: readonly (string | undefined)[]): Promise<void> {
  if (!path || !grantee || (access !== 'read' && access !== 'write')) throw new CliError('usage: vextir grants add <path> <user:id|agent:id> <read|write>', 2);
  const { grant } = await client.json<{ grant: GrantView }>('PUT', '/api/grants', {
    body: JSON.stringify({ path: contextPathArg(path), grantee, access }),
    headers: { 'content-type': 'application/json' },
  });
  process.stdout.write(`granted ${grant.access} on ${grant.path} to ${grant.grantee}\n`);
}

export async function grantRemoveCommand(client: Client, [path, grantee]: readonly (string | undefined)[]): Promise<void> {
  if (!path || !grantee) throw new CliError('usage: vextir grants rm <path> <user:id|agent:id>', 2);
  const canonical = contextPathArg(path);
  const response = await client.request('DELETE', `/api/grants?${new URLSearchParams({ path: canonical, grantee }).toString()}`);
  await client.failOnProblem(response);
  process.stdout.write(`revoked ${grantee} on ${canonical}\n`);
}
