/** What `vextir --help` prints and the options the command line takes (README.md lists the same commands). */
import { VERSION } from '../version.js';
import { CONTEXT_USAGE } from './commands/context.js';

export const USAGE = `vextir ${VERSION} — the Vextir OS command line

Usage:
  vextir start                              run the whole system locally (SQLite, port 7071)
  vextir worker                             VEXTIR_MODE=azure: process the Service Bus queue outside
                                            Functions (a container, a VM); serves no HTTP
  vextir token [<user>] [--admin] [--role r] [--expires 30d]
                                            print a local dev token (--admin: with VEXTIR_ADMIN_ROLE);
                                            without <user>: for the CLI's user (see --user below)
  vextir emit <type> [--data <json>] [--id <id>] [--source <uri>] [--subject <s>]
                                            publish one event; prints its id
  vextir emit <type> --count <n> [--data <json>] [--id <prefix>] [--source <uri>] [--subject <s>] [--json]
  vextir emit [<type>] --data-file <events.jsonl | -> [--id <prefix>] [--source <uri>] [--subject <s>] [--json]
                                            many events, 100 a request, with progress on stderr: n alike,
                                            or one a line of the file (with <type>: each line is the data;
                                            without: {type, data?, id?, ...}); ids are <prefix>-1, -2, ...,
                                            so a rerun with the same --id is taken in once
  vextir tail [--filter 'task.*,plan.*'] [--json]
                                            follow your events live, one line each: time, status, type, id,
                                            the decision or the data; reconnects and resumes by itself
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
  vextir context get|put|ls|query|search|rm|mv|mkdir|versions|restore|import ...
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
  vextir packs search [<text>] [--json]     skill packs on the registry (npm packages with the keyword vextir-pack)
  vextir packs add <name[@version] | folder> [--global] [--yes] [--json]
                                            install a pack: shows what it may do and asks for your consent
                                            (--yes: consent without asking; a folder on the server and
                                            --global, for every user, need an admin token)
  vextir packs ls [--json]                  installed packs and whether they run for you
  vextir packs show <name> [--json]         a pack: its drivers, contents, permissions, your grant
  vextir packs update <name> [--to <version>] [--global] [--yes] [--json]
                                            fetch a newer version; asks again when it wants more permissions
  vextir packs rm <name> [--global]         withdraw your grant and remove what the pack put in your
                                            space (your data stays); --global: uninstall for everyone
  vextir dlq ls [--limit 100]               messages the bus gave up on (admin token)
  vextir dlq replay <messageId>... | --all [--limit 100]
                                            put them back on the queue for a fresh round (admin token);
                                            --all: every one \`dlq ls\` lists

Options for commands that talk to a server:
  --url <url>      server (default VEXTIR_URL or http://127.0.0.1:7071)
  --token <jwt>    bearer token (default VEXTIR_TOKEN, else a local dev token)
  --user <id>      the user to mint a local dev token for (default VEXTIR_USER, else your OS user);
                   the dev token is signed with the secret in VEXTIR_DATA_DIR (default ./.vextir),
                   so run the CLI where \`vextir start\` runs

  -h, --help       this text (\`vextir <command> --help\`: that command's forms)
  -v, --version    the version

Progress goes to stderr: one redrawn line on a terminal, a line every 2 s otherwise.
Colour only on a terminal, and never with NO_COLOR set.
`;

export const OPTIONS = {
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
  'data-file': { type: 'string' },
  count: { type: 'string' },
  all: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  to: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/**
 * `vextir <command> --help`: the forms of <command> from USAGE (with their description lines),
 * then the server options; the whole USAGE for a command it does not know.
 */
export function commandHelp(command: string): string {
  const lines = USAGE.split('\n');
  const forms: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (/^ {2}vextir /.test(line)) inside = line.startsWith(`  vextir ${command} `) || line === `  vextir ${command}`;
    else if (!/^ {5,}/.test(line)) inside = false;
    if (inside) forms.push(line);
  }
  if (forms.length === 0) return USAGE;
  const local = command === 'start' || command === 'worker' || command === 'token';
  const options = USAGE.slice(USAGE.indexOf('Options for commands'));
  return `Usage:\n${forms.join('\n')}\n${command === 'context' ? `\n${CONTEXT_USAGE}\n` : ''}${local ? '' : `\n${options}`}`;
}
