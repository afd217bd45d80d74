/**
 * `vextir packs search|add|ls|show|update|rm`: skill packs over /api/packs. `add` and `update`
 * show the permissions in plain words (for an update, what changed) and ask for consent (y/N) on
 * a terminal; `--yes` consents without asking; without a terminal and without `--yes` nothing is
 * installed. Consent is the digest the server answered with, so what is granted is exactly what
 * was shown.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';

interface ConsentRequest {
  pack: string;
  version: string;
  description: string;
  scope: 'user' | 'global';
  digest: string;
  summary: string[];
  difference?: { summary: string[] };
}

interface PackView {
  name: string;
  version: string;
  description: string;
  author: string;
  source: string;
  integrity: string;
  installedBy: string;
  drivers: Array<{ id: string; capabilities: string[] }>;
  contents: Record<string, number>;
  summary?: string[];
  grant: { state: string; scope?: string; version?: string };
  consent?: ConsentRequest;
  yours?: { version: string; items: Record<string, string[]> };
  global: boolean;
}

export interface ConsentOptions {
  yes: boolean;
  global: boolean;
  json: boolean;
  version?: string | undefined;
}

const write = (line: string): void => void process.stdout.write(`${line}\n`);
const looksLikeFolder = (source: string) => source.startsWith('/') || source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..';

export async function packsSearchCommand(client: Client, text: string[], asJson: boolean): Promise<void> {
  const { results } = await client.json<{ results: Array<{ name: string; version: string; description: string }> }>('GET', `/api/packs/search?q=${encodeURIComponent(text.join(' '))}`);
  if (asJson) return write(JSON.stringify({ results }, null, 2));
  if (results.length === 0) return write('no packs found');
  const width = Math.max(4, ...results.map((hit) => hit.name.length));
  write(`${'NAME'.padEnd(width)}  ${'VERSION'.padEnd(9)}  DESCRIPTION`);
  for (const hit of results) write(`${hit.name.padEnd(width)}  ${hit.version.padEnd(9)}  ${hit.description}`);
}

export async function packsAddCommand(client: Client, source: string | undefined, options: ConsentOptions): Promise<void> {
  if (!source) throw new CliError('usage: vextir packs add <name[@version] | folder> [--version <v>] [--global] [--yes] [--json]', 2);
  // A folder is read by the server: send it as an absolute path (the server's working directory is not ours).
  const body = { source: looksLikeFolder(source) ? resolve(source) : source, ...(options.version !== undefined && { version: options.version }), ...(options.global && { global: true }) };
  await withConsent(client, '/api/packs', body, options, 'added');
}

export async function packsUpdateCommand(client: Client, name: string | undefined, options: ConsentOptions): Promise<void> {
  if (!name) throw new CliError('usage: vextir packs update <name> [--version <v>] [--global] [--yes] [--json]', 2);
  const body = { ...(options.version !== undefined && { version: options.version }), ...(options.global && { global: true }) };
  await withConsent(client, `/api/packs/${encodeURIComponent(name)}/update`, body, options, 'updated');
}

export async function packsListCommand(client: Client, asJson: boolean): Promise<void> {
  const { packs } = await client.json<{ packs: PackView[] }>('GET', '/api/packs');
  if (asJson) return write(JSON.stringify({ packs }, null, 2));
  if (packs.length === 0) return write('no packs installed (find some with vextir packs search <text>)');
  const width = Math.max(4, ...packs.map((pack) => pack.name.length));
  write(`${'NAME'.padEnd(width)}  ${'VERSION'.padEnd(9)}  ${'YOU'.padEnd(13)}  SOURCE`);
  for (const pack of packs) write(`${pack.name.padEnd(width)}  ${pack.version.padEnd(9)}  ${stateText(pack).padEnd(13)}  ${pack.source}`);
}

export async function packsShowCommand(client: Client, name: string | undefined, asJson: boolean): Promise<void> {
  if (!name) throw new CliError('usage: vextir packs show <name> [--json]', 2);
  const pack = await client.json<PackView & { permissions: unknown }>('GET', `/api/packs/${encodeURIComponent(name)}`);
  if (asJson) return write(JSON.stringify(pack, null, 2));
  write(`${pack.name} ${pack.version}: ${pack.description}`);
  write(`  by ${pack.author}; from ${pack.source} (${pack.integrity}); installed by ${pack.installedBy}`);
  write(`  for you: ${stateText(pack)}${pack.global ? ' (installed for everyone)' : ''}`);
  if (pack.drivers.length > 0) write(`  drivers: ${pack.drivers.map((driver) => `${driver.id} (${driver.capabilities.join(', ')})`).join('; ')}`);
  const contents = Object.entries(pack.contents).filter(([, count]) => count > 0).map(([kind, count]) => `${count} ${kind}`);
  if (contents.length > 0) write(`  brings: ${contents.join(', ')}`);
  if (pack.yours !== undefined) write(`  in your space (from ${pack.yours.version}): ${Object.entries(pack.yours.items).flatMap(([kind, ids]) => ids.map((id) => `${kind.replace(/ies$/, 'y').replace(/s$/, '')} ${id}`)).join(', ') || 'nothing'}`);
  if (pack.consent !== undefined) {
    write('  the installed version asks for more than you granted:');
    for (const line of pack.consent.difference?.summary ?? []) write(`    ${line}`);
    write(`  run vextir packs update ${pack.name} to consent`);
  }
}

export async function packsRemoveCommand(client: Client, name: string | undefined, global: boolean): Promise<void> {
  if (!name) throw new CliError('usage: vextir packs rm <name> [--global]', 2);
  const response = await client.request('DELETE', `/api/packs/${encodeURIComponent(name)}${global ? '?global=true' : ''}`);
  await client.failOnProblem(response);
  const { removed, uninstalled } = (await response.json()) as { removed: Record<string, string[]>; uninstalled: boolean };
  const items = Object.entries(removed).flatMap(([kind, ids]) => ids.map((id) => `${kind.replace(/ies$/, 'y').replace(/s$/, '')} ${id}`));
  write(`${uninstalled ? `uninstalled ${name} for everyone` : `removed ${name} for you`}${items.length > 0 ? `: ${items.join(', ')}` : ''} (your data is kept)`);
}

function stateText(pack: PackView): string {
  if (pack.grant.state === 'granted') return pack.grant.scope === 'global' ? 'granted (all)' : 'granted';
  return pack.grant.state === 'needs_consent' ? 'needs consent' : 'not added';
}

async function withConsent(client: Client, path: string, body: Record<string, unknown>, options: ConsentOptions, done: string): Promise<void> {
  let response = await post(client, path, body);
  if (response.status === 428) {
    const { consent } = (await response.json()) as { consent: ConsentRequest };
    showConsent(consent);
    if (!(await consents(consent, options))) throw new CliError(`not ${done}: consent was not given`, 1);
    response = await post(client, path, { ...body, grant: { digest: consent.digest } });
  }
  await client.failOnProblem(response);
  const pack = (await response.json()) as PackView;
  if (options.json) return write(JSON.stringify(pack, null, 2));
  write(`${done} ${pack.name} ${pack.version}${pack.global ? ' (for everyone)' : ''}`);
  const items = Object.entries(pack.yours?.items ?? {}).flatMap(([kind, ids]) => ids.map((id) => `${kind.replace(/ies$/, 'y').replace(/s$/, '')} ${id}`));
  if (items.length > 0) write(`  in your space: ${items.join(', ')}`);
  if (pack.drivers.length > 0) write(`  drivers: ${pack.drivers.map((driver) => driver.id).join(', ')}`);
}

function post(client: Client, path: string, body: Record<string, unknown>): Promise<Response> {
  return client.request('POST', path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

/** To stderr, so `--json` output stays one document. */
function showConsent(consent: ConsentRequest): void {
  const say = (line: string) => void process.stderr.write(`${line}\n`);
  say(`${consent.pack} ${consent.version}: ${consent.description}`);
  if (consent.difference !== undefined) {
    say('This version asks for more than you granted:');
    for (const line of consent.difference.summary) say(`  ${line}`);
  }
  say(`${consent.scope === 'global' ? 'For every user, it' : 'It'} may:`);
  for (const line of consent.summary) say(`  - ${line}`);
}

async function consents(consent: ConsentRequest, options: ConsentOptions): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY) throw new CliError(`${consent.pack} needs your consent: run this on a terminal to be asked, or pass --yes to consent to the permissions above`, 2);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Grant these permissions${consent.scope === 'global' ? ' for everyone' : ''}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
