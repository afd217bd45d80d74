/**
 * The `vextir` command. Everything except `start`, `worker` and `token` talks to a running server over
 * HTTP, exactly like every other client (so the same commands work against Azure with --url).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { VERSION } from '../version.js';
import { CliError } from './cli-error.js';
import { createClient } from './client.js';
import type { Display } from './commands/plans.js';
import { commandHelp, OPTIONS, USAGE } from './usage.js';

/**
 * Each command's module, imported when that command runs. Importing them all up front (the host
 * behind `start`, the plan renderer, the context importer and what they import) made every
 * command, `vextir --version` included, start in about twice the time.
 */
const commands = {
  agentRuns: () => import('./commands/agent-runs.js'),
  agents: () => import('./commands/agents.js'),
  apps: () => import('./commands/apps.js'),
  approvals: () => import('./commands/approvals.js'),
  audit: () => import('./commands/audit.js'),
  context: () => import('./commands/context.js'),
  dlq: () => import('./commands/dlq.js'),
  emit: () => import('./commands/emit.js'),
  emitBulk: () => import('./commands/emit-bulk.js'),
  events: () => import('./commands/events.js'),
  grants: () => import('./commands/grants.js'),
  instructions: () => import('./commands/instructions.js'),
  models: () => import('./commands/models.js'),
  plans: () => import('./commands/plans.js'),
  packs: () => import('./commands/packs.js'),
  policy: () => import('./commands/policy.js'),
  schedules: () => import('./commands/schedules.js'),
  start: () => import('./commands/start.js'),
  tail: () => import('./commands/tail.js'),
  token: () => import('./commands/token.js'),
  worker: () => import('./commands/worker.js'),
};

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
  if (values.help) return void process.stdout.write(command ? commandHelp(command) : USAGE);
  if (!command) return void process.stdout.write(USAGE);

  const config = loadConfig(process.env, Boolean(process.stdout.isTTY));
  const client = () => createClient(config, { url: values.url, token: values.token, user: values.user });
  const { stdout } = process;
  const display: Display = { color: config.cli.color, terminal: stdout.isTTY ? { columns: stdout.columns || 80, rows: stdout.rows || 24 } : undefined };
  const json = values.json ?? false;
  switch (command) {
    case 'start':
      return (await commands.start()).startCommand(config);
    case 'worker':
      return (await commands.worker()).workerCommand(config);
    case 'token':
      return (await commands.token()).tokenCommand(config, rest[0], { roles: values.role ?? [], admin: values.admin ?? false, expiresIn: values.expires, user: values.user });
    case 'emit': {
      const single = { data: values.data, id: values.id, source: values.source, subject: values.subject };
      if (values.count === undefined && values['data-file'] === undefined) return (await commands.emit()).emitCommand(await client(), rest[0], single);
      return (await commands.emitBulk()).bulkEmitCommand(await client(), { ...single, type: rest[0], count: values.count, dataFile: values['data-file'], json, terminal: Boolean(process.stderr.isTTY) });
    }
    case 'tail':
      return (await commands.tail()).tailCommand(await client(), values.filter, json, config.cli.color, () => (stdout.isTTY ? stdout.columns || 80 : undefined));
    case 'events':
      if (rest[0] === 'show') return (await commands.events()).eventsShowCommand(await client(), rest[1]);
      if (rest[0] === 'ls') return (await commands.events()).eventsListCommand(await client(), { type: values.type, since: values.since, limit: values.limit });
      throw new CliError('usage: vextir events show <id> | vextir events ls [--type] [--since] [--limit]', 2);
    case 'policy':
      if (rest[0] === 'ls') return (await commands.policy()).policyListCommand(await client());
      if (rest[0] === 'get') return (await commands.policy()).policyGetCommand(await client(), values.global ?? false, values.json ?? false);
      if (rest[0] === 'put') return (await commands.policy()).policyPutCommand(await client(), rest[1], values.global ?? false, values['if-match']);
      if (rest[0] === 'test') return (await commands.policy()).policyTestCommand(await client(), rest[1], { data: values.data, usage: values.usage, file: values.file });
      throw new CliError('usage: vextir policy ls | get [--global] | put <file> [--global] | test <type> [--data] [--usage] [--file]', 2);
    case 'agents':
      if (rest[0] === 'run' && rest[1] === 'show') return (await commands.agentRuns()).agentRunShowCommand(await client(), rest[2], values.json ?? false);
      if (rest[0] === 'ls') return (await commands.agents()).agentsListCommand(await client());
      if (rest[0] === 'get') return (await commands.agents()).agentsGetCommand(await client(), rest[1], values.json ?? false);
      if (rest[0] === 'put') return (await commands.agents()).agentsPutCommand(await client(), rest[1], values['if-match']);
      if (rest[0] === 'rm') return (await commands.agents()).agentsRemoveCommand(await client(), rest[1], values['if-match']);
      throw new CliError('usage: vextir agents ls | get <id> [--json] | put <file> [--if-match] | rm <id> [--if-match] | run show <run id> [--json]', 2);
    case 'approvals':
      if (rest[0] === 'ls') return (await commands.approvals()).approvalsListCommand(await client(), values.status);
      if (rest[0] === 'approve' || rest[0] === 'reject') return (await commands.approvals()).approvalDecideCommand(await client(), rest[0], rest[1], values.comment);
      throw new CliError('usage: vextir approvals ls | approve <id> | reject <id> [--comment <text>]', 2);
    case 'grants':
      if (rest[0] === 'ls') return (await commands.grants()).grantsListCommand(await client(), values.path);
      if (rest[0] === 'add') return (await commands.grants()).grantAddCommand(await client(), rest.slice(1));
      if (rest[0] === 'rm') return (await commands.grants()).grantRemoveCommand(await client(), rest.slice(1));
      throw new CliError('usage: vextir grants ls [--path] | add <path> <grantee> <read|write> | rm <path> <grantee>', 2);
    case 'schedules':
      if (rest[0] === 'ls') return (await commands.schedules()).schedulesListCommand(await client(), values.json ?? false);
      if (rest[0] === 'add') return (await commands.schedules()).scheduleAddCommand(await client(), { type: values.type, data: values.data, subject: values.subject, id: values.id, name: values.name, cron: values.cron, at: values.at, tz: values.tz, catchup: values.catchup });
      if (rest[0] === 'get') return (await commands.schedules()).scheduleGetCommand(await client(), rest[1]);
      if (rest[0] === 'pause' || rest[0] === 'resume') return (await commands.schedules()).scheduleChangeCommand(await client(), rest[0], rest[1]);
      if (rest[0] === 'rm') return (await commands.schedules()).scheduleRemoveCommand(await client(), rest[1]);
      throw new CliError('usage: vextir schedules ls | add --type <t> (--cron <p> [--tz <z>] | --at <time>) | get|pause|resume|rm <id>', 2);
    case 'plan':
      if (rest[0] === 'run') return (await commands.plans()).planRunCommand(await client(), rest[1], { input: values.input ?? [], inputs: values.inputs, wait: values.wait ?? false, json }, display);
      if (rest[0] === 'status') return (await commands.plans()).planStatusCommand(await client(), rest[1], { watch: values.watch ?? false, json }, display);
      if (rest[0] === 'ls') return (await commands.plans()).planListCommand(await client(), { status: values.status, instruction: values.instruction, limit: values.limit, cursor: values.cursor, json }, display);
      if (rest[0] === 'cancel') return (await commands.plans()).planCancelCommand(await client(), rest[1]);
      if (rest[0] === 'retry') return (await commands.plans()).planRetryCommand(await client(), rest[1], { wait: values.wait ?? false, json }, display);
      throw new CliError('usage: vextir plan run <file | instruction id> [--input name=value] [--inputs <json>] [--wait] | status <id> [--watch] | ls [--status] [--instruction] [--limit] | cancel <id> | retry <id> [--wait]', 2);
    case 'instructions':
      if (rest[0] === 'ls') return (await commands.instructions()).instructionsListCommand(await client(), json);
      if (rest[0] === 'get') return (await commands.instructions()).instructionsGetCommand(await client(), rest[1], json);
      if (rest[0] === 'put') return (await commands.instructions()).instructionsPutCommand(await client(), rest[1]);
      if (rest[0] === 'rm') return (await commands.instructions()).instructionsRemoveCommand(await client(), rest[1]);
      throw new CliError('usage: vextir instructions ls | get <id> [--json] | put <file> | rm <id>', 2);
    case 'apps':
      if (rest[0] === 'put') return (await commands.apps()).appsPutCommand(await client(), rest[1]);
      if (rest[0] === 'ls') return (await commands.apps()).appsListCommand(await client(), json);
      if (rest[0] === 'get') return (await commands.apps()).appsGetCommand(await client(), rest[1], json);
      if (rest[0] === 'rm') return (await commands.apps()).appsRemoveCommand(await client(), rest[1]);
      throw new CliError('usage: vextir apps put <file> | ls | get <id> [--json] | rm <id>', 2);
    case 'packs': {
      const consent = { yes: values.yes ?? false, global: values.global ?? false, json, version: values.to };
      if (rest[0] === 'search') return (await commands.packs()).packsSearchCommand(await client(), rest.slice(1), json);
      if (rest[0] === 'add') return (await commands.packs()).packsAddCommand(await client(), rest[1], { ...consent, version: undefined });
      if (rest[0] === 'ls') return (await commands.packs()).packsListCommand(await client(), json);
      if (rest[0] === 'show') return (await commands.packs()).packsShowCommand(await client(), rest[1], json);
      if (rest[0] === 'update') return (await commands.packs()).packsUpdateCommand(await client(), rest[1], consent);
      if (rest[0] === 'rm') return (await commands.packs()).packsRemoveCommand(await client(), rest[1], values.global ?? false);
      throw new CliError('usage: vextir packs search [<text>] | add <name[@version] | folder> | ls | show <name> | update <name> | rm <name>', 2);
    }
    case 'dlq':
      if (rest[0] === 'ls') return (await commands.dlq()).dlqListCommand(await client(), values.limit);
      if (rest[0] === 'replay') return (await commands.dlq()).dlqReplayCommand(await client(), rest.slice(1), { all: values.all ?? false, limit: values.limit, terminal: Boolean(process.stderr.isTTY) });
      throw new CliError('usage: vextir dlq ls [--limit] | vextir dlq replay <messageId>... | --all [--limit]', 2);
    case 'context':
      return (await commands.context()).contextCommand(await client(), rest, { ...values, terminal: Boolean(process.stderr.isTTY) });
    case 'models':
      return (await commands.models()).modelsCommand(await client(), values.json ?? false);
    case 'usage':
      return (await commands.models()).usageCommand(await client(), values.json ?? false);
    case 'audit':
      if (rest[0] === 'ls') return (await commands.audit()).auditListCommand(await client(), { user: values.user, limit: values.limit, after: values.after });
      if (rest[0] === 'verify') return (await commands.audit()).auditVerifyCommand(await client(), { user: values.user });
      throw new CliError('usage: vextir audit ls [--limit] [--after] | vextir audit verify [--user <id>]', 2);
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
