/**
 * The `vextir` command. Everything except `start` and `token` talks to a running server over
 * HTTP, exactly like every other client (so the same commands work against Azure with --url).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { VERSION } from '../version.js';
import { CliError } from './cli-error.js';
import { createClient } from './client.js';
import { emitCommand } from './commands/emit.js';
import { eventsListCommand, eventsShowCommand } from './commands/events.js';
import { startCommand } from './commands/start.js';
import { tailCommand } from './commands/tail.js';
import { tokenCommand } from './commands/token.js';

const USAGE = `vextir ${VERSION} — the Vextir OS command line

Usage:
  vextir start                              run the whole system locally (SQLite, port 7071)
  vextir token <user> [--role r] [--expires 30d]   print a local dev token
  vextir emit <type> [--data <json>] [--id <id>] [--source <uri>] [--subject <s>]
  vextir tail [--filter 'task.*,plan.*'] [--json]  follow your events live
  vextir events show <id>                   status, drivers run, emitted ids, errors
  vextir events ls [--type 'demo.*'] [--since <RFC 3339>] [--limit 50]

Options for commands that talk to a server:
  --url <url>      server (default VEXTIR_URL or http://127.0.0.1:7071)
  --token <jwt>    bearer token (default VEXTIR_TOKEN, else a local dev token)
  --user <id>      the user to mint a local dev token for (default VEXTIR_USER or your OS user)
`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  user: { type: 'string' },
  data: { type: 'string' },
  id: { type: 'string' },
  source: { type: 'string' },
  subject: { type: 'string' },
  filter: { type: 'string' },
  type: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  role: { type: 'string', multiple: true },
  expires: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) return void process.stdout.write(`${VERSION}\n`);
  if (values.help || !command) return void process.stdout.write(USAGE);

  const config = loadConfig(process.env, Boolean(process.stdout.isTTY));
  const client = () => createClient(config, { url: values.url, token: values.token, user: values.user });
  switch (command) {
    case 'start':
      return startCommand(config);
    case 'token':
      return tokenCommand(config, rest[0], values.role ?? [], values.expires);
    case 'emit':
      return emitCommand(await client(), rest[0], { data: values.data, id: values.id, source: values.source, subject: values.subject });
    case 'tail':
      return tailCommand(await client(), values.filter, values.json ?? false);
    case 'events':
      if (rest[0] === 'show') return eventsShowCommand(await client(), rest[1]);
      if (rest[0] === 'ls') return eventsListCommand(await client(), { type: values.type, since: values.since, limit: values.limit });
      throw new CliError('usage: vextir events show <id> | vextir events ls [--type] [--since] [--limit]', 2);
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`vextir: ${error.message}\n${error.details.map((line) => `${line}\n`).join('')}`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`vextir: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
