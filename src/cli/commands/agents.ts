/**
 * `vextir agents ls | get <id> | put <file> | rm <id>`: agents as data, managed over HTTP. `get`
 * prints YAML a user can copy, change (a new id) and `put` back as an agent of their own.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';

interface AgentView {
  id: string;
  source: string;
  etag?: string;
  definition: { name: string; enabled: boolean; capabilities: string[]; tools: string[]; model?: string };
}

export async function agentsListCommand(client: Client): Promise<void> {
  const { agents } = await client.json<{ agents: AgentView[] }>('GET', '/api/agents');
  process.stdout.write(`${'SOURCE'.padEnd(8)} ${'ID'.padEnd(24)} ${'STARTS ON'.padEnd(28)} TOOLS\n`);
  for (const { id, source, definition } of agents) {
    const off = definition.enabled ? '' : ' (disabled)';
    process.stdout.write(`${source.padEnd(8)} ${`${id}${off}`.padEnd(24)} ${definition.capabilities.join(',').padEnd(28)} ${definition.tools.join(', ') || '-'}\n`);
  }
}

export async function agentsGetCommand(client: Client, id: string | undefined, asJson: boolean): Promise<void> {
  if (!id) throw new CliError('usage: vextir agents get <id> [--json]', 2);
  const path = `/api/agents/${encodeURIComponent(id)}`;
  if (asJson) {
    const view = await client.json<AgentView>('GET', path);
    return void process.stdout.write(`${JSON.stringify(view.definition, null, 2)}\n`);
  }
  const response = await client.request('GET', path, { headers: { accept: 'application/yaml' } });
  await client.failOnProblem(response);
  process.stdout.write(await response.text());
}

export async function agentsPutCommand(client: Client, file: string | undefined, ifMatch: string | undefined): Promise<void> {
  if (!file) throw new CliError('usage: vextir agents put <file.yaml|file.json> [--if-match <etag>]', 2);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const id = idOf(text, file);
  const headers: Record<string, string> = { 'content-type': extname(file).toLowerCase() === '.json' ? 'application/json' : 'application/yaml' };
  if (ifMatch) headers['if-match'] = ifMatch;
  const response = await client.request('PUT', `/api/agents/${encodeURIComponent(id)}`, { body: text, headers });
  await client.failOnProblem(response);
  const view = (await response.json()) as AgentView;
  process.stdout.write(`${response.status === 201 ? 'created' : 'replaced'} agent ${view.id}, starting on ${view.definition.capabilities.join(', ')} (etag ${view.etag ?? '?'})\n`);
}

export async function agentsRemoveCommand(client: Client, id: string | undefined, ifMatch: string | undefined): Promise<void> {
  if (!id) throw new CliError('usage: vextir agents rm <id> [--if-match <etag>]', 2);
  const response = await client.request('DELETE', `/api/agents/${encodeURIComponent(id)}`, ifMatch ? { headers: { 'if-match': ifMatch } } : {});
  await client.failOnProblem(response);
  process.stdout.write(`deleted agent ${id}\n`);
}

/** The id the document gives (the URL needs it); the server checks everything else. */
function idOf(text: string, file: string): string {
  let document: unknown;
  try {
    document = parseYaml(text); // YAML is a superset of JSON
  } catch (error) {
    throw new CliError(`${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`, 2);
  }
  const definition = typeof document === 'object' && document !== null && 'driver' in document ? document.driver : document;
  const id = typeof definition === 'object' && definition !== null && 'id' in definition ? definition.id : undefined;
  if (typeof id !== 'string' || id === '') throw new CliError(`${file} has no id: an agent definition names itself (id: my_agent)`, 2);
  return id;
}
