/**
 * The `vextir` command. Everything except `start`, `worker` and `token` talks to a running server over
 * HTTP, exactly like every other client (so the same commands work against Azure with --url).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { VERSION } from '../version.js';
import { CliError } from './cli-error.js';
import { createClient } from './client.js';
import { agentRunShowCommand } from './commands/agent-runs.js';
import { agentsGetCommand, agentsListCommand, agentsPutCommand, agentsRemoveCommand } from './commands/agents.js';
import { appsGetCommand, appsListCommand, appsPutCommand, appsRemoveCommand } from './commands/apps.js';
import { approvalDecideCommand, approvalsListCommand } from './commands/approvals.js';
import { auditListCommand, auditVerifyCommand } from './commands/audit.js';
import { contextCommand } from './commands/context.js';
import { dlqListCommand, dlqReplayCommand } from './commands/dlq.js';
import { emitCommand } from './commands/emit.js';
import { bulkEmitCommand } from './commands/emit-bulk.js';
import { eventsListCommand, eventsShowCommand } from './commands/events.js';
import { grantAddCommand, grantRemoveCommand, grantsListCommand } from './commands/grants.js';
import { instructionsGetCommand, instructionsListCommand, instructionsPutCommand, instructionsRemoveCommand } from './commands/instructions.js';
import { modelsCommand, usageCommand } from './commands/models.js';
import { planCancelCommand, planListCommand, planRetryCommand, planRunCommand, planStatusCommand, type Display } from './commands/plans.js';
import { packsAddCommand, packsListCommand, packsRemoveCommand, packsSearchCommand, packsShowCommand, packsUpdateCommand } from './commands/packs.js';
import { policyGetCommand, policyListCommand, policyPutCommand, policyTestCommand } from './commands/policy.js';
import { scheduleAddCommand, scheduleChangeCommand, scheduleGetCommand, scheduleRemoveCommand, schedulesListCommand } from './commands/schedules.js';
import { startCommand } from './commands/start.js';
import { tailCommand } from './commands/tail.js';
import { tokenCommand } from './commands/token.js';
import { workerCommand } from './commands/worker.js';
import { commandHelp, OPTIONS, USAGE } from './usage.js';


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
      return startCommand(config);
    case 'worker':
      return workerCommand(config);
    case 'token':
      return tokenCommand(config, rest[0], { roles: values.role ?? [], admin: values.admin ?? false, expiresIn: values.expires, user: values.user });
    case 'emit': {
      const single = { data: values.data, id: values.id, source: values.source, subject: values.subject };
      if (values.count === undefined && values['data-file'] === undefined) return emitCommand(await client(), rest[0], single);
      return bulkEmitCommand(await client(), { ...single, type: rest[0], count: values.count, dataFile: values['data-file'], json, terminal: Boolean(process.stderr.isTTY) });
    }
    case 'tail':
      return tailCommand(await client(), values.filter, json, config.cli.color, () => (stdout.isTTY ? stdout.columns || 80 : undefined));
    case 'events':
      if (rest[0] === 'show') return eventsShowCommand(await client(), rest[1]);
      if (rest[0] === 'ls') return eventsListCommand(await client(), { type: values.type, since: values.since, limit: values.limit });
      throw new CliError('usage: vextir events show <id> | vextir events ls [--type] [--since] [--limit]', 2);
    case 'policy':
      if (rest[0] === 'ls') return policyListCommand(await client());
      if (rest[0] === 'get') return policyGetCommand(await client(), values.global ?? false, values.json ?? false);
      if (rest[0] === 'put') return policyPutCommand(await client(), rest[1], values.global ?? false, values['if-match']);
      if (rest[0] === 'test') return policyTestCommand(await client(), rest[1], { data: values.data, usage: values.usage, file: values.file });
      throw new CliError('usage: vextir policy ls | get [--global] | put <file> [--global] | test <type> [--data] [--usage] [--file]', 2);
    case 'agents':
      if (rest[0] === 'run' && rest[1] === 'show') return agentRunShowCommand(await client(), rest[2], values.json ?? false);
      if (rest[0] === 'ls') return agentsListCommand(await client());
      if (rest[0] === 'get') return agentsGetCommand(await client(), rest[1], values.json ?? false);
      if (rest[0] === 'put') return agentsPutCommand(await client(), rest[1], values['if-match']);
      if (rest[0] === 'rm') return agentsRemoveCommand(await client(), rest[1], values['if-match']);
      throw new CliError('usage: vextir agents ls | get <id> [--json] | put <file> [--if-match] | rm <id> [--if-match] | run show <run id> [--json]', 2);
    case 'approvals':
      if (rest[0] === 'ls') return approvalsListCommand(await client(), values.status);
      if (rest[0] === 'approve' || rest[0] === 'reject') return approvalDecideCommand(await client(), rest[0], rest[1], values.comment);
      throw new CliError('usage: vextir approvals ls | approve <id> | reject <id> [--comment <text>]', 2);
    case 'grants':
      if (rest[0] === 'ls') return grantsListCommand(await client(), values.path);
      if (rest[0] === 'add') return grantAddCommand(await client(), rest.slice(1));
      if (rest[0] === 'rm') return grantRemoveCommand(await client(), rest.slice(1));
      throw new CliError('usage: vextir grants ls [--path] | add <path> <grantee> <read|write> | rm <path> <grantee>', 2);
    case 'schedules':
      if (rest[0] === 'ls') return schedulesListCommand(await client(), values.json ?? false);
      if (rest[0] === 'add') return scheduleAddCommand(await client(), { type: values.type, data: values.data, subject: values.subject, id: values.id, name: values.name, cron: values.cron, at: values.at, tz: values.tz, catchup: values.catchup });
      if (rest[0] === 'get') return scheduleGetCommand(await client(), rest[1]);
      if (rest[0] === 'pause' || rest[0] === 'resume') return scheduleChangeCommand(await client(), rest[0], rest[1]);
      if (rest[0] === 'rm') return scheduleRemoveCommand(await client(), rest[1]);
      throw new CliError('usage: vextir schedules ls | add --type <t> (--cron <p> [--tz <z>] | --at <time>) | get|pause|resume|rm <id>', 2);
    case 'plan':
      if (rest[0] === 'run') return planRunCommand(await client(), rest[1], { input: values.input ?? [], inputs: values.inputs, wait: values.wait ?? false, json }, display);
      if (rest[0] === 'status') return planStatusCommand(await client(), rest[1], { watch: values.watch ?? false, json }, display);
      if (rest[0] === 'ls') return planListCommand(await client(), { status: values.status, instruction: values.instruction, limit: values.limit, cursor: values.cursor, json }, display);
      if (rest[0] === 'cancel') return planCancelCommand(await client(), rest[1]);
      if (rest[0] === 'retry') return planRetryCommand(await client(), rest[1], { wait: values.wait ?? false, json }, display);
      throw new CliError('usage: vextir plan run <file | instruction id> [--input name=value] [--inputs <json>] [--wait] | status <id> [--watch] | ls [--status] [--instruction] [--limit] | cancel <id> | retry <id> [--wait]', 2);
    case 'instructions':
      if (rest[0] === 'ls') return instructionsListCommand(await client(), json);
      if (rest[0] === 'get') return instructionsGetCommand(await client(), rest[1], json);
      if (rest[0] === 'put') return instructionsPutCommand(await client(), rest[1]);
      if (rest[0] === 'rm') return instructionsRemoveCommand(await client(), rest[1]);
      throw new CliError('usage: vextir instructions ls | get <id> [--json] | put <file> | rm <id>', 2);
    case 'apps':
      if (rest[0] === 'put') return appsPutCommand(await client(), rest[1]);
      if (rest[0] === 'ls') return appsListCommand(await client(), json);
      if (rest[0] === 'get') return appsGetCommand(await client(), rest[1], json);
      if (rest[0] === 'rm') return appsRemoveCommand(await client(), rest[1]);
      throw new CliError('usage: vextir apps put <file> | ls | get <id> [--json] | rm <id>', 2);
    case 'packs': {
      const consent = { yes: values.yes ?? false, global: values.global ?? false, json, version: values.to };
      if (rest[0] === 'search') return packsSearchCommand(await client(), rest.slice(1), json);
      if (rest[0] === 'add') return packsAddCommand(await client(), rest[1], { ...consent, version: undefined });
      if (rest[0] === 'ls') return packsListCommand(await client(), json);
      if (rest[0] === 'show') return packsShowCommand(await client(), rest[1], json);
      if (rest[0] === 'update') return packsUpdateCommand(await client(), rest[1], consent);
      if (rest[0] === 'rm') return packsRemoveCommand(await client(), rest[1], values.global ?? false);
      throw new CliError('usage: vextir packs search [<text>] | add <name[@version] | folder> | ls | show <name> | update <name> | rm <name>', 2);
    }
    case 'dlq':
      if (rest[0] === 'ls') return dlqListCommand(await client(), values.limit);
      if (rest[0] === 'replay') return dlqReplayCommand(await client(), rest.slice(1), { all: values.all ?? false, limit: values.limit, terminal: Boolean(process.stderr.isTTY) });
      throw new CliError('usage: vextir dlq ls [--limit] | vextir dlq replay <messageId>... | --all [--limit]', 2);
    case 'context':
      return contextCommand(await client(), rest, { ...values, terminal: Boolean(process.stderr.isTTY) });
    case 'models':
      return modelsCommand(await client(), values.json ?? false);
    case 'usage':
      return usageCommand(await client(), values.json ?? false);
    case 'audit':
      if (rest[0] === 'ls') return auditListCommand(await client(), { user: values.user, limit: values.limit, after: values.after });
      if (rest[0] === 'verify') return auditVerifyCommand(await client(), { user: values.user });
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
