/**
 * `vextir apps put <file> | ls | get <id> | rm <id>`: UI applications over /api/ui-apps. `put`
 * sends the file as written (YAML or JSON); the server validates it and answers 400 naming each
 * bad component. `get` prints YAML a user can edit and put back.
 */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { readDocumentFile } from '../document-file.js';

interface AppSummary {
  id: string;
  name: string;
  path: string;
  components: number;
  updatedAt: string;
}

const write = (line: string): void => void process.stdout.write(`${line}\n`);

export async function appsPutCommand(client: Client, file: string | undefined): Promise<void> {
  if (!file) throw new CliError('usage: vextir apps put <file.yaml|file.json>', 2);
  const { text, contentType } = readDocumentFile(file);
  const response = await client.request('POST', '/api/ui-apps', { body: text, headers: { 'content-type': contentType } });
  await client.failOnProblem(response);
  const app = (await response.json()) as AppSummary;
  write(`${response.status === 201 ? 'created' : 'updated'} app ${app.id}: ${new URL(`/apps${app.path}`, client.baseUrl).href}`);
}

export async function appsListCommand(client: Client, asJson: boolean): Promise<void> {
  const { apps } = await client.json<{ apps: AppSummary[] }>('GET', '/api/ui-apps');
  if (asJson) return write(JSON.stringify({ apps }, null, 2));
  if (apps.length === 0) return write('no apps (add one with vextir apps put <file>)');
  const width = Math.max(2, ...apps.map((app) => app.id.length));
  const pathWidth = Math.max(4, ...apps.map((app) => app.path.length + 5));
  write(`${'ID'.padEnd(width)}  ${'PAGE'.padEnd(pathWidth)}  NAME`);
  for (const app of apps) write(`${app.id.padEnd(width)}  ${`/apps${app.path}`.padEnd(pathWidth)}  ${app.name}`);
}

export async function appsGetCommand(client: Client, id: string | undefined, asJson: boolean): Promise<void> {
  if (!id) throw new CliError('usage: vextir apps get <id> [--json]', 2);
  const path = `/api/ui-apps/${encodeURIComponent(id)}`;
  if (asJson) return write(JSON.stringify(await client.json<unknown>('GET', path), null, 2));
  const response = await client.request('GET', path, { headers: { accept: 'application/yaml' } });
  await client.failOnProblem(response);
  process.stdout.write(await response.text());
}

export async function appsRemoveCommand(client: Client, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('usage: vextir apps rm <id>', 2);
  await client.failOnProblem(await client.request('DELETE', `/api/ui-apps/${encodeURIComponent(id)}`));
  write(`deleted app ${id}`);
}
