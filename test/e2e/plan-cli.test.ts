/**
 * `vextir plan` and `vextir instructions` as a user runs them: the CLI in a child process against
 * the real embedded system. The instructions' steps are `context.write` / `context.read` events,
 * which the built-in context driver answers, so plans run with nothing external.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createClient } from '../../src/cli/client.js';
import { followPlan } from '../../src/cli/plan-follow.js';
import { loadConfig } from '../../src/config.js';
import { runVextir, type CliResult } from '../helpers/cli.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

const USER = 'pia';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

function vextir(...args: string[]): Promise<CliResult> {
  return runVextir(args, { url: system.url, dataDir: system.dataDir, user: USER });
}

async function ok(...args: string[]): Promise<string> {
  const result = await vextir(...args);
  assert.equal(result.code, 0, `vextir ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** A file in the system's temporary data folder. */
function file(name: string, text: string): string {
  const path = join(system.dataDir, name);
  writeFileSync(path, text);
  return path;
}

const NOTES = `
id: notes
name: Write a note, read it back
inputs:
  - name: text
    type: string
  - name: path
    type: string
    default: /Notes/plan-cli
plan:
  - id: write
    action: emit_event
    event:
      type: context.write
      data: { path: "{{inputs.path}}", content: "{{inputs.text}}" }
  - id: read
    action: emit_event
    depends_on: [write]
    event:
      type: context.read
      data: { path: "{{inputs.path}}" }
`;

interface StatusJson {
  plan: { id: string; status: string; progress: { nodes: number; done: number } };
  nodes: Array<{ id: string; status: string; dependsOn: string[]; attempts: unknown[]; output?: { entry?: { content?: unknown } } }>;
}

const planIdIn = (stdout: string): string => {
  const id = /^started plan (pl_\S+)$/m.exec(stdout)?.[1];
  assert.ok(id, `no plan id in ${stdout}`);
  return id;
};

async function statusOf(id: string): Promise<StatusJson> {
  return JSON.parse(await ok('plan', 'status', id, '--json')) as StatusJson;
}

describe('vextir plan run', () => {
  let planId: string;

  it('saves a YAML instruction, runs it with inputs, follows it to the end and prints the plan id', async () => {
    const stdout = await ok('plan', 'run', file('notes.yaml', NOTES), '--input', 'text=hello from the CLI', '--wait');
    assert.match(stdout, /^created instruction notes v1 \(2 steps, run by hand\)$/m);
    planId = planIdIn(stdout);
    // Not a terminal: each changed drawing below the last, no colour, the last one completed.
    assert.ok(!stdout.includes('\u001b'), 'no colour');
    const drawings = stdout.split(/^(?=\S+ \S+ {2}plan pl_)/m).filter((part) => part.includes(`plan ${planId}`));
    assert.match(drawings.at(-1)!, new RegExp(`^✓ completed  plan ${planId}  notes v1 "Write a note, read it back"  2/2 done  started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ, took \\S+\\n`));
  });

  it('status draws each step completed, in the layers of the DAG, with what it produced', async () => {
    const drawing = await ok('plan', 'status', planId);
    const lines = drawing.trimEnd().split('\n');
    assert.match(lines[0]!, new RegExp(`^✓ completed  plan ${planId}  notes v1 .* 2/2 done`));
    assert.equal(lines[1], 'layer 1');
    assert.match(lines[2]!, /^ {2}✓ write {2}completed {2}1 attempt +\d+(ms|\.\ds) {2}\{.*"path":"\/Notes\/plan-cli"/);
    assert.equal(lines[3], 'layer 2');
    assert.match(lines[4]!, /^ {2}✓ read {3}completed {2}1 attempt +\d+(ms|\.\ds) {2}← write {2}\{.*"path":"\/Notes\/plan-cli"/);
    assert.equal(lines.length, 5);

    const status = await statusOf(planId);
    assert.equal(status.plan.status, 'completed');
    assert.deepEqual(status.nodes.map((node) => [node.id, node.status, node.dependsOn, node.attempts.length]), [['write', 'completed', [], 1], ['read', 'completed', ['write'], 1]]);
    assert.equal(status.nodes[1]!.output?.entry?.content, 'hello from the CLI');
    assert.equal(await (await system.request(USER, 'GET', '/api/context/Notes/plan-cli')).text(), 'hello from the CLI');
  });

  it('runs a saved instruction by its id, with --inputs as JSON; --json prints the plan and its event', async () => {
    const started = JSON.parse(await ok('plan', 'run', 'notes', '--inputs', '{"text": "second", "path": "/Notes/second"}', '--json')) as { instruction: string; plan: string; event: string };
    assert.equal(started.instruction, 'notes');
    assert.match(started.plan, /^pl_/);
    const finished = JSON.parse(await ok('plan', 'status', started.plan, '--watch', '--json')) as StatusJson;
    assert.equal(finished.plan.status, 'completed');
    assert.equal(finished.nodes[1]!.output?.entry?.content, 'second');
  });

  it('lists plans by status and instruction', async () => {
    const completed = await ok('plan', 'ls', '--status', 'completed');
    assert.match(completed, /^ID\s+STATUS\s+INSTRUCTION\s+DONE\s+CREATED\s+TOOK$/m);
    assert.match(completed, new RegExp(`^${planId}  ✓ completed  notes v1 +2/2  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +\\d+(ms|\\.\\ds)$`, 'm'));
    assert.equal(completed.trimEnd().split('\n').length, 3, 'both runs, under the heading');
    assert.equal(await ok('plan', 'ls', '--status', 'failed'), 'no plans match\n');
    const json = JSON.parse(await ok('plan', 'ls', '--instruction', 'notes', '--limit', '1', '--json')) as { plans: Array<{ id: string }>; cursor?: string };
    assert.equal(json.plans.length, 1);
    assert.ok(json.cursor, 'a cursor to the next page');
    const paged = await vextir('plan', 'ls', '--instruction', 'notes', '--limit', '1', '--cursor', json.cursor);
    assert.equal(paged.code, 0, paged.stderr);
    assert.equal(paged.stdout.trimEnd().split('\n').length, 2, 'the heading and the other run');
    assert.ok(!paged.stdout.includes(json.plans[0]!.id));
    const bad = await vextir('plan', 'ls', '--status', 'done');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^vextir: 400 .*\n {2}.*status/);
  });
});

describe('what goes wrong, said plainly', () => {
  it('a bad instruction: the server 400 naming the step, a non-zero exit, no plan', async () => {
    const bad = NOTES.replace('depends_on: [write]', 'depends_on: [wirte]').replace('id: notes', 'id: broken');
    const result = await vextir('plan', 'run', file('broken.yaml', bad), '--input', 'text=x', '--wait');
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^vextir: 400 /);
    assert.match(result.stderr, /\n {2}\/plan\/1\/depends_on\/0 \(step read\): depends on "wirte", which is not a step of this plan \(did you mean "write"\?\)\n$/);
    assert.equal((await vextir('instructions', 'get', 'broken')).code, 1, 'nothing was saved');
  });

  it('inputs the instruction does not accept, and flags that are not name=value', async () => {
    const missing = await vextir('plan', 'run', 'notes');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^vextir: 400 Invalid input: .*the input "text" is required/);
    const malformed = await vextir('plan', 'run', 'notes', '--input', 'novalue');
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--input "novalue" is not name=value/);
    const unknown = await vextir('plan', 'run', 'no_such_instruction');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404.*no instruction "no_such_instruction"/);
  });

  it('a failing step fails the plan and --wait exits 1 naming it; after the cause is fixed, retry completes it', async () => {
    const reading = `
id: reader
plan:
  - id: fetch
    action: emit_event
    event: { type: context.read, data: { path: /Notes/not-yet } }
`;
    const failed = await vextir('plan', 'run', file('reader.yaml', reading), '--wait');
    assert.equal(failed.code, 1, failed.stderr);
    const id = planIdIn(failed.stdout);
    assert.match(failed.stdout, new RegExp(`✗ failed  plan ${id}  reader v1  1/1 done`));
    assert.match(failed.stdout, /^ {2}✗ fetch {2}failed {5}1 attempt +\d+(ms|\.\ds) {2}not_found: .*\/Notes\/not-yet$/m);
    assert.match(failed.stderr, new RegExp(`^vextir: plan ${id} failed.*\\n {2}retry its failed steps: vextir plan retry ${id}\\n$`));
    assert.match(await ok('plan', 'ls', '--status', 'failed'), new RegExp(`^${id}  ✗ failed`, 'm'));

    const put = await system.request(USER, 'PUT', '/api/context/Notes/not-yet', { body: { content: 'here now' } });
    assert.ok(put.ok, `PUT answered ${put.status}`);
    const retried = await ok('plan', 'retry', id, '--wait');
    assert.match(retried, new RegExp(`^retrying plan ${id}: its failed steps run again \\(round 2\\)$`, 'm'));
    assert.match(retried, new RegExp(`✓ completed  plan ${id}  reader v1  1/1 done  round 2`));
    assert.match(retried, /^ {2}✓ fetch {2}completed {2}2 attempts/m);
  });

  it('retry of a completed plan says why it cannot; cancel of an ended one says it had ended; an unknown plan is named', async () => {
    const [plan] = (JSON.parse(await ok('plan', 'ls', '--status', 'completed', '--json')) as { plans: Array<{ id: string }> }).plans;
    const retry = await vextir('plan', 'retry', plan!.id);
    assert.equal(retry.code, 1);
    assert.equal(retry.stderr, `vextir: 409 Conflict: plan ${plan!.id} is completed; only a failed plan can be retried\n`);
    const cancel = await vextir('plan', 'cancel', plan!.id);
    assert.equal(cancel.code, 1);
    assert.equal(cancel.stderr, `vextir: plan ${plan!.id} had already ended (completed); there is nothing to cancel\n`);
    for (const args of [['plan', 'status', 'pl_nosuchplan00000'], ['plan', 'cancel', 'pl_nosuchplan00000'], ['plan', 'status', 'pl_nosuchplan00000', '--watch']]) {
      const result = await vextir(...args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr, /no plan "pl_nosuchplan00000"/);
    }
    const usage = await vextir('plan', 'status');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: vextir plan status <id>/);
  });

  it('cancels a running plan; --watch then exits 1 saying it was cancelled', async () => {
    const sleepy = `
id: sleepy
plan:
  - id: nap
    action: sleep
    duration: 1h
  - id: after
    action: emit_event
    depends_on: [nap]
    event: { type: context.read, data: { path: /Notes/plan-cli } }
`;
    const id = planIdIn(await ok('plan', 'run', file('sleepy.yaml', sleepy)));
    for (let tries = 0; (await statusOf(id).catch(() => undefined))?.nodes[0]?.status !== 'sleeping'; tries += 1) {
      assert.ok(tries < 200, 'the plan started sleeping');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(await ok('plan', 'status', id), /^ {2}◔ nap {4}sleeping {3}1 attempt +[\d.]+m?s… {2}until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/m);
    // The sleep is done (cancelled); the step after it never started.
    assert.match(await ok('plan', 'cancel', id), new RegExp(`^cancelled plan ${id} \\(1/2 steps done\\)\\n$`));
    const watched = await vextir('plan', 'status', id, '--watch');
    assert.equal(watched.code, 1);
    assert.match(watched.stdout, new RegExp(`^⊘ cancelled  plan ${id}`));
    assert.match(watched.stdout, /^ {2}⊘ nap {4}cancelled {2}1 attempt .*cancelled: the plan was cancelled$/m);
    assert.equal(watched.stderr, `vextir: plan ${id} cancelled\n`);
  });
});

describe('following a plan on a terminal', () => {
  it('redraws in place: the cursor goes back over the last drawing, which is cleared', async () => {
    const napping = 'id: napping\nplan:\n  - { id: nap, action: sleep, duration: 1500ms }\n  - { id: after, action: emit_event, depends_on: [nap], event: { type: context.write, data: { path: /Notes/napped, content: rested } } }\n';
    const id = planIdIn(await ok('plan', 'run', file('napping.yaml', napping)));
    const client = await createClient(loadConfig({ VEXTIR_DATA_DIR: system.dataDir, VEXTIR_USER: USER }), { url: system.url });
    const written: string[] = [];
    const state = await followPlan(client, id, { quiet: false, color: true, terminal: { columns: 200, rows: 40 }, write: (text) => written.push(text) });
    assert.equal(state.plan.status, 'completed');
    assert.ok(written.length >= 3, `redrawn ${written.length} times`);
    assert.ok(!written[0]!.includes('\u001b[J') && !written[0]!.includes('\u001b[2J'), 'the first drawing erases nothing');
    // 200 columns: no line wraps, so each drawing goes back over as many rows as the last one had lines.
    written.slice(1).forEach((drawing, i) => assert.ok(drawing.startsWith(`\u001b[${written[i]!.split('\n').length - 1}F\u001b[J`), JSON.stringify(drawing.slice(0, 20))));
    assert.ok(written.at(-1)!.includes('\u001b[32m✓ completed\u001b[39m'));
  });
});

describe('vextir instructions', () => {
  it('puts (JSON too), lists, gets as YAML or JSON, and removes', async () => {
    const json = { id: 'jotter', name: 'Jot', inputs: [{ name: 'text', type: 'string', default: 'jot' }], plan: [{ id: 'jot', action: 'emit_event', event: { type: 'context.write', data: { path: '/Notes/jot', content: '{{inputs.text}}' } } }] };
    const path = file('jotter.json', JSON.stringify(json));
    assert.equal(await ok('instructions', 'put', path), 'created instruction jotter v1 (1 step, run by hand)\n');
    assert.equal(await ok('instructions', 'put', path), 'updated instruction jotter v2 (1 step, run by hand)\n');
    const listed = await ok('instructions', 'ls');
    assert.match(listed, /^ID\s+VERSION\s+STEPS\s+TRIGGER\s+NAME$/m);
    assert.match(listed, /^jotter\s+v2\s+1\s+run by hand\s+Jot$/m);
    assert.match(listed, /^notes\s+v1\s+2\s+run by hand\s+Write a note, read it back$/m);
    assert.deepEqual((parseYaml(await ok('instructions', 'get', 'jotter')) as { plan: unknown[] }).plan.length, 1);
    assert.equal((JSON.parse(await ok('instructions', 'get', 'jotter', '--json')) as { version: number }).version, 2);
    assert.equal(await ok('instructions', 'rm', 'jotter'), 'deleted instruction jotter (plans already started run on)\n');
    const gone = await vextir('instructions', 'get', 'jotter');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^vextir: 404 .*no instruction "jotter"/);
    const unreadable = await vextir('instructions', 'put', join(system.dataDir, 'missing.yaml'));
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /cannot read .*missing\.yaml/);
  });
});

describe('the README', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Plans in the terminal'), readme.indexOf('## MCP servers'));

  it('lists the plan and instructions commands exactly as --help does', async () => {
    const help = await ok('--help');
    const synopses = help.split('\n').filter((line) => /^ {2}vextir (plan|instructions) /.test(line)).map((line) => line.trim().split(/ {2,}/)[0]);
    assert.equal(synopses.length, 9);
    assert.ok(section.includes(`\`\`\`text\n${synopses.join('\n')}\n\`\`\``), `the README's list differs from --help:\n${synopses.join('\n')}`);
    assert.match(readme, /`plan run\|status\|ls\|cancel\|retry`, `instructions ls\|get\|put\|rm`/);
  });

  it("runs the README's instruction as written", async () => {
    const yaml = /```yaml\n(# notes\.yaml\n[\s\S]*?)```/.exec(section)?.[1];
    assert.ok(yaml, 'the README has notes.yaml');
    const stdout = await ok('plan', 'run', file('readme-notes.yaml', yaml.replace('id: notes', 'id: readme_notes')), '--input', 'text=hello', '--wait');
    assert.match(stdout, /^✓ completed {2}plan pl_\S+ {2}readme_notes v1 {2}2\/2 done/m);
  });
});
