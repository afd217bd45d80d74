/**
 * `vextir context get|put|ls|query|search|rm|mv|mkdir|versions|restore|import`: the Context Hub over
 * HTTP (/api/context, documented in src/api/handlers/context-documents.ts). `--owner <user>`
 * works on another user's hub through their grant; `--json` prints the server's JSON answers.
 */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { fileDocument } from '../context-file.js';
import { parseJsonOption } from '../json-option.js';
import { contextPathArg } from '../paths.js';
import { importDirectory } from './context-import.js';

export interface ContextCliOptions {
  data?: string | undefined;
  file?: string | undefined;
  text?: string | undefined;
  metadata?: string | undefined;
  'content-type'?: string | undefined;
  'if-match'?: string | undefined;
  'order-by'?: string | undefined;
  prefix?: string | undefined;
  limit?: string | undefined;
  recursive?: boolean | undefined;
  owner?: string | undefined;
  json?: boolean | undefined;
  /** stderr is a terminal (import: a redrawn progress line). */
  terminal?: boolean | undefined;
}

export const CONTEXT_USAGE = `usage: vextir context <command> [--owner <user>] [--json]
  get <path>                                 a document's content, or a folder's listing
  put <path> (--data <json> | --text <t> | --file <f>) [--metadata <json>] [--content-type <t>] [--if-match <etag>]
  ls [path]                                  a folder's entries (default /)
  query <prefix> [<where>] [--order-by 'updatedAt desc'] [--limit 20]
  search <text> [--prefix /Projects] [--limit 20]
  rm <path> [--recursive]
  mv <from> <to>
  mkdir <path>
  versions <path>
  restore <path> <version>
  import <dir> [<path>]                      every file under <dir> as a document under <path> (default /)`;

interface Summary {
  path: string;
  kind: string;
  contentType: string;
  metadata: Record<string, unknown>;
  version: number;
  etag: string;
  size: number;
  updatedAt: string;
}

type Command = (client: Client, args: readonly string[], options: ContextCliOptions) => Promise<void>;

const COMMANDS: Readonly<Record<string, Command>> = {
  get: async (client, [path], options) => {
    const response = await client.request('GET', entryUrl(required(path, 'get <path>'), options, options.json ? { view: 'entry' } : {}));
    await client.failOnProblem(response);
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    if (options.json || !type.includes('json')) return print(text.endsWith('\n') ? text.slice(0, -1) : text);
    const value = JSON.parse(text) as unknown;
    if (response.headers.get('vextir-kind') === null && isListing(value)) return printEntries(value.entries);
    print(JSON.stringify(value, null, 2));
  },
  put: async (client, [path], options) => {
    const target = required(path, 'put <path> --data|--text|--file');
    const headers: Record<string, string> = { 'content-type': 'application/vnd.vextir.context+json' };
    if (options['if-match']) headers['if-match'] = options['if-match'];
    const body = { ...documentBody(options), ...(options.metadata !== undefined && { metadata: parseJsonOption('--metadata', options.metadata) }) };
    const response = await client.request('PUT', entryUrl(target, options), { body: JSON.stringify(body), headers });
    await client.failOnProblem(response);
    const entry = (await response.json()) as Summary;
    if (options.json) return print(JSON.stringify(entry, null, 2));
    print(`${response.status === 201 ? 'created' : 'updated'} ${entry.path} (version ${entry.version}, etag ${response.headers.get('etag') ?? entry.etag})`);
  },
  ls: async (client, [path = '/'], options) => {
    const entries: Summary[] = [];
    let cursor: string | undefined;
    do {
      const response = await client.request('GET', entryUrl(path, options, { ...(cursor !== undefined && { cursor }), limit: options.limit ?? '1000' }));
      await client.failOnProblem(response);
      if (response.headers.get('vextir-kind') === 'document') throw new CliError(`${contextPathArg(path)} is a document; use vextir context get`, 1);
      const page = (await response.json()) as { entries: Summary[]; next?: string };
      entries.push(...page.entries);
      cursor = options.limit === undefined ? page.next : undefined;
    } while (cursor !== undefined);
    if (options.json) return print(JSON.stringify(entries, null, 2));
    printEntries(entries);
  },
  query: async (client, [prefix, where], options) => {
    const params = { prefix: contextPathArg(required(prefix, 'query <prefix> [<where>]')), ...(where !== undefined && { where }), ...(options['order-by'] !== undefined && { orderBy: options['order-by'] }), ...(options.limit !== undefined && { limit: options.limit }) };
    const { entries } = await client.json<{ entries: Summary[] }>('GET', collectionUrl(params, options));
    if (options.json) return print(JSON.stringify(entries, null, 2));
    if (entries.length === 0) return print('no matches');
    for (const entry of entries) print(`${entry.path}  v${entry.version}  ${entry.updatedAt}  ${JSON.stringify(entry.metadata)}`);
  },
  search: async (client, [text], options) => {
    const params = { search: required(text, 'search <text>'), ...(options.prefix !== undefined && { prefix: contextPathArg(options.prefix) }), ...(options.limit !== undefined && { limit: options.limit }) };
    const { hits } = await client.json<{ hits: Array<{ entry: Summary; score: number; snippet?: string }> }>('GET', collectionUrl(params, options));
    if (options.json) return print(JSON.stringify(hits, null, 2));
    if (hits.length === 0) return print('no matches');
    for (const hit of hits) print(`${hit.score.toFixed(3).padStart(8)}  ${hit.entry.path}${hit.snippet ? `  ${hit.snippet.replace(/\s+/g, ' ')}` : ''}`);
  },
  rm: async (client, [path], options) => {
    const headers: Record<string, string> = options['if-match'] ? { 'if-match': options['if-match'] } : {};
    const result = await client.json<{ path: string; removed: number }>('DELETE', entryUrl(required(path, 'rm <path> [--recursive]'), options, options.recursive ? { recursive: 'true' } : {}), { headers });
    print(options.json ? JSON.stringify(result) : `removed ${result.path} (${result.removed} ${result.removed === 1 ? 'entry' : 'entries'})`);
  },
  mv: async (client, [from, to], options) => {
    if (!from || !to) throw new CliError(`usage: vextir context mv <from> <to>`, 2);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(options['if-match'] && { 'if-match': options['if-match'] }) };
    const target = contextPathArg(to);
    const moved = await client.json<Summary>('POST', entryUrl(from, options, { action: 'move' }), { body: JSON.stringify({ to: target }), headers });
    print(options.json ? JSON.stringify(moved, null, 2) : `moved ${contextPathArg(from)} to ${moved.path}`);
  },
  mkdir: async (client, [path], options) => {
    const folder = await client.json<Summary>('POST', entryUrl(required(path, 'mkdir <path>'), options, { action: 'mkdir' }));
    print(options.json ? JSON.stringify(folder, null, 2) : `folder ${folder.path}`);
  },
  versions: async (client, [path], options) => {
    const result = await client.json<{ path: string; current: number; versions: Summary[] }>('GET', entryUrl(required(path, 'versions <path>'), options, { view: 'versions' }));
    if (options.json) return print(JSON.stringify(result, null, 2));
    print(`${result.path}: current version ${result.current}`);
    for (const version of result.versions) print(`  v${version.version}  ${version.updatedAt}  ${version.size} bytes  ${version.contentType}`);
  },
  restore: async (client, [path, version], options) => {
    if (!path || !version || !/^\d+$/.test(version)) throw new CliError('usage: vextir context restore <path> <version>', 2);
    const headers: Record<string, string> = options['if-match'] ? { 'if-match': options['if-match'] } : {};
    const entry = await client.json<Summary>('POST', entryUrl(path, options, { action: 'restore', version }), { headers });
    print(options.json ? JSON.stringify(entry, null, 2) : `restored ${entry.path} from version ${version} (now version ${entry.version})`);
  },
  import: (client, [dir, path], options) => importDirectory(client, dir, path, { owner: options.owner, terminal: options.terminal ?? false }),
};

export async function contextCommand(client: Client, [command, ...args]: readonly string[], options: ContextCliOptions): Promise<void> {
  if (command === 'help') return print(CONTEXT_USAGE);
  const run = command === undefined ? undefined : COMMANDS[command];
  if (run === undefined || !Object.hasOwn(COMMANDS, command ?? '')) throw new CliError(CONTEXT_USAGE, 2);
  await run(client, args, options);
}

/** The document to send: exactly one of --data (JSON), --text, --file (JSON if *.json, else text). */
function documentBody(options: ContextCliOptions): { content: unknown; contentType?: string } {
  const given = [options.data, options.text, options.file].filter((value) => value !== undefined);
  if (given.length !== 1) throw new CliError('put needs exactly one of --data <json>, --text <text> or --file <file>', 2);
  const contentType = options['content-type'];
  if (options.data !== undefined) return { content: parseJsonOption('--data', options.data), contentType: contentType ?? 'application/json' };
  if (options.text !== undefined) return { content: options.text, contentType: contentType ?? 'text/plain' };
  return fileDocument(options.file ?? '', contentType);
}

function entryUrl(path: string, options: ContextCliOptions, params: Record<string, string> = {}): string {
  const encoded = contextPathArg(path).split('/').map(encodeURIComponent).join('/');
  const query = new URLSearchParams({ ...params, ...(options.owner !== undefined && { owner: options.owner }) }).toString();
  return `/api/context${encoded === '/' ? '' : encoded}${query ? `?${query}` : ''}`;
}

function collectionUrl(params: Record<string, string>, options: ContextCliOptions): string {
  return `/api/context?${new URLSearchParams({ ...params, ...(options.owner !== undefined && { owner: options.owner }) }).toString()}`;
}

function required(value: string | undefined, usage: string): string {
  if (!value) throw new CliError(`usage: vextir context ${usage}`, 2);
  return value;
}


function isListing(value: unknown): value is { entries: Summary[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { entries?: unknown }).entries);
}

function printEntries(entries: readonly Summary[]): void {
  if (entries.length === 0) return print('(empty)');
  for (const entry of entries) {
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1) + (entry.kind === 'folder' ? '/' : '');
    print(`${entry.kind === 'folder' ? 'dir ' : 'doc '} ${String(entry.size).padStart(8)}  ${entry.updatedAt}  ${name}`);
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
