/**
 * `vextir policy ls | get | put <file> | test <type>`: policies as data, managed over HTTP.
 * `--global` works on the global policies (an admin token is needed to change them).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { parseJsonOption } from '../json-option.js';

interface PolicyView {
  id: string;
  name: string;
  action: string;
  priority: number;
  enabled: boolean;
  condition: string;
}
interface PolicySetView {
  policies: PolicyView[];
  etag?: string;
}

export async function policyListCommand(client: Client): Promise<void> {
  const sets = await client.json<{ global: PolicySetView; user: PolicySetView }>('GET', '/api/policies');
  for (const [scope, set] of Object.entries(sets)) {
    process.stdout.write(`${scope} (${set.policies.length})\n`);
    // Evaluation order: priority (highest first), then id.
    const ordered = [...set.policies].sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const policy of ordered) {
      const state = policy.enabled ? '' : ' (disabled)';
      process.stdout.write(`  ${String(policy.priority).padStart(5)} ${policy.action.padEnd(16)} ${policy.id}${state}  when ${policy.condition}\n`);
    }
  }
}

export async function policyGetCommand(client: Client, global: boolean, asJson: boolean): Promise<void> {
  const response = await client.request('GET', `/api/policies?scope=${global ? 'global' : 'user'}`, { headers: { accept: asJson ? 'application/json' : 'application/yaml' } });
  await client.failOnProblem(response);
  process.stdout.write(await response.text());
}

export async function policyPutCommand(client: Client, file: string | undefined, global: boolean, ifMatch: string | undefined): Promise<void> {
  if (!file) throw new CliError('usage: vextir policy put <file.yaml|file.json> [--global] [--if-match <etag>]', 2);
  const text = readPolicyFile(file);
  const headers: Record<string, string> = { 'content-type': /\.ya?ml$/i.test(extname(file)) ? 'application/yaml' : 'application/json' };
  if (ifMatch) headers['if-match'] = ifMatch;
  const set = await client.json<PolicySetView>('PUT', `/api/policies?scope=${global ? 'global' : 'user'}`, { body: text, headers });
  process.stdout.write(`stored ${set.policies.length} ${global ? 'global' : 'user'} policies (etag ${set.etag ?? '?'})\n`);
}

export async function policyTestCommand(client: Client, type: string | undefined, options: { data?: string | undefined; usage?: string | undefined; file?: string | undefined }): Promise<void> {
  if (!type) throw new CliError('usage: vextir policy test <type> [--data <json>] [--usage <json>] [--file draft.yaml]', 2);
  const body: Record<string, unknown> = { event: { type, data: parseJsonOption('--data', options.data ?? '{}') } };
  if (options.usage) body['usage'] = parseJsonOption('--usage', options.usage);
  if (options.file) body['policies'] = readPolicyFile(options.file);
  const result = await client.json<{ decision: { verdict: string; reason: string } }>('POST', '/api/policies/test', {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function readPolicyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

