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
import { eventsListCommand, eventsShowCommand } from './commands/events.js';
import { grantAddCommand, grantRemoveCommand, grantsListCommand } from './commands/grants.js';
import { instructionsGetCommand, instructionsListCommand, instructionsPutCommand, instructionsRemoveCommand } from './commands/instructions.js';
import { modelsCommand, usageCommand } from './commands/models.js';
import { planCancelCommand, planListCommand, planRetryCommand, planRunCommand, planStatusCommand, type Display } from './commands/plans.js';
import { policyGetCommand, policyListCommand, policyPutCommand, policyTestCommand } from './commands/policy.js';
import { scheduleAddCommand, scheduleChangeCommand, scheduleGetCommand, scheduleRemoveCommand, schedulesListCommand } from './commands/schedules.js';
import { startCommand } from './commands/start.js';
import { tailCommand } from './commands/tail.js';
import { tokenCommand } from './commands/token.js';
import { workerCommand } from './commands/worker.js';

const USAGE = `vextir ${VERSION} — the Vextir OS command line

Usage:
  vextir start                              run the whole system locally (SQLite, port 7071)
  vextir worker                             VEXTIR_MODE=azure: process the Service Bus queue outside
                                            Functions (a container, a VM); serves no HTTP
  vextir token [<user>] [--admin] [--role r] [--expires 30d]
                                            print a local dev token (--admin: with VEXTIR_ADMIN_ROLE);
                                            without <user>: for the CLI's user (see --user below)
  vextir emit <type> [--data <json>] [--id <id>] [--source <uri>] [--subject <s>]
  vextir tail [--filter 'task.*,plan.*'] [--json]  follow your events live
  vextir events show <id>                   status, drivers run, emitted ids, errors
  vextir events ls [--type 'demo.*'] [--since <RFC 3339>] [--limit 50]
  vextir audit ls [--limit 100] [--after <seq>]   your audit chain, oldest first
  vextir audit verify                       download your audit chain and check it here
                                            (--user <id>: another user's, with an admin --token)
  vextir policy ls                          the global policies and yours, in evaluation order
  vextir policy get [--global] [--json]     a policy set as YAML (or JSON), ready to edit
  vextir policy put <file> [--global] [--if-match <etag>]
                                            replace a policy set (--global needs an admin token)
  vextir policy test <type> [--data <json>] [--usage <json>] [--file draft.yaml]
                                            the decision an event would get, and why (dry run)
  vextir agents ls                          the agents you can use: built-in, the project's, your own
  vextir agents get <id> [--json]           an agent definition as YAML (or JSON), ready to copy and edit
  vextir agents put <file> [--if-match <etag>]
                                            create or replace one of your agents (its id is in the file)
  vextir agents rm <id> [--if-match <etag>] delete one of your agents
  vextir agents run show <run id> [--json]  a run step by step: models, tokens, cost, tool calls, decisions
  vextir approvals ls [--status pending|approved|rejected]
  vextir approvals approve|reject <id> [--comment <text>]
  vextir grants ls [--path /Projects]       who else may read or write your context paths
  vextir grants add <path> <user:id|agent:id> <read|write>
  vextir grants rm <path> <user:id|agent:id>
  vextir context get|put|ls|query|search|rm|mv|mkdir|versions|restore ...
                                            your Context Hub (vextir context help: every form)
  vextir models [--json]                    the model registry: provider, prices per million tokens,
                                            context, capabilities, and whether each can be called
  vextir usage [--json]                     your counters as policies see them, and tokens and cost
                                            per model today and this month
  vextir schedules ls [--json]              your schedules: next slot, how often each fired
  vextir schedules add --type <event type> (--cron "0 9 * * 1-5" [--tz Europe/Oslo] | --at <RFC 3339>)
                       [--data <json>] [--subject <s>] [--id <id>] [--name <text>] [--catchup once|skip]
  vextir schedules get|pause|resume|rm <id>
  vextir plan run <file | instruction id> [--input name=value ...] [--inputs <json>] [--wait] [--json]
                                            save the instruction in <file> (YAML or JSON) and start a
                                            plan of it, or of an instruction you saved; prints the plan
                                            id; --wait: follow it, exit 1 unless it completes
  vextir plan status <id> [--watch] [--json]
                                            the plan's steps in the layers of its DAG: status, attempts,
                                            duration, output or error (over 200 steps: counts per layer,
                                            failed and running steps listed); --watch: redraw until it
                                            ends, exit 1 unless it completes
  vextir plan ls [--status <status>] [--instruction <id>] [--limit 50] [--cursor <c>] [--json]
                                            your plans, newest first; a status is queued, running,
                                            failing, completed, failed or cancelled
  vextir plan cancel <id>                   stop a plan: its running steps are cancelled, no more start
  vextir plan retry <id> [--wait] [--json]  run a failed plan's failed steps again
  vextir instructions ls [--json]           your instructions: version, steps, trigger
  vextir instructions get <id> [--json]     an instruction as YAML (or JSON), ready to edit
  vextir instructions put <file>            save an instruction (YAML or JSON; a new version if its id
                                            is taken); a 400 names each step that is wrong
  vextir instructions rm <id>               delete an instruction (its plans run on)
  vextir apps put <file>                    save a UI application (YAML or JSON); prints its page,
                                            http://…/apps/<path>; a 400 names each bad component
  vextir apps ls [--json]                   your UI applications and their pages
  vextir apps get <id> [--json]             a UI application as YAML (or JSON), ready to edit
  vextir apps rm <id>                       delete a UI application
  vextir dlq ls [--limit 100]               messages the bus gave up on (admin token)
  vextir dlq replay <messageId>             put one back on the queue for a fresh round (admin token)

Options for commands that talk to a server:
  --url <url>      server (default VEXTIR_URL or http://127.0.0.1:7071)
  --token <jwt>    bearer token (default VEXTIR_TOKEN, else a local dev token)
  --user <id>      the user to mint a local dev token for (default VEXTIR_USER, else your OS user);
                   the dev token is signed with the secret in VEXTIR_DATA_DIR (default ./.vextir),
                   so run the CLI where \`vextir start\` runs

Colour only on a terminal, and never with NO_COLOR set.
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
  after: { type: 'string' },
  global: { type: 'boolean' },
  'if-match': { type: 'string' },
  usage: { type: 'string' },
  file: { type: 'string' },
  status: { type: 'string' },
  comment: { type: 'string' },
  path: { type: 'string' },
  role: { type: 'string', multiple: true },
  admin: { type: 'boolean' },
  expires: { type: 'string' },
  json: { type: 'boolean' },
  text: { type: 'string' },
  metadata: { type: 'string' },
  'content-type': { type: 'string' },
  'order-by': { type: 'string' },
  prefix: { type: 'string' },
  recursive: { type: 'boolean' },
  owner: { type: 'string' },
  cron: { type: 'string' },
  at: { type: 'string' },
  tz: { type: 'string' },
  catchup: { type: 'string' },
  name: { type: 'string' },
  input: { type: 'string', multiple: true },
  inputs: { type: 'string' },
  wait: { type: 'boolean' },
  watch: { type: 'boolean' },
  instruction: { type: 'string' },
  cursor: { type: 'string' },
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
    case 'emit':
      return emitCommand(await client(), rest[0], { data: values.data, id: values.id, source: values.source, subject: values.subject });
    case 'tail':
      return tailCommand(await client(), values.filter, values.json ?? false);
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
    case 'dlq':
      if (rest[0] === 'ls') return dlqListCommand(await client(), values.limit);
      if (rest[0] === 'replay') return dlqReplayCommand(await client(), rest[1]);
      throw new CliError('usage: vextir dlq ls [--limit] | vextir dlq replay <messageId>', 2);
    case 'context':
      return contextCommand(await client(), rest, values);
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
