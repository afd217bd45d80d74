/**
 * `vextir instructions ls | get <id> | put <file> | rm <id>`: workflows as data over
 * /api/instructions. `put` sends the file as written (YAML or JSON); the server compiles it and
 * answers 400 naming each step that is wrong. `get` prints YAML a user can edit and put back.
 */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { readDocumentFile } from '../document-file.js';

export interface InstructionSummary {
  id: string;
  version: number;
  name?: string;
  trigger?: { schedule?: string; timezone?: string; event?: string };
  inputs: Array<{ name: string; type: string; default?: unknown; required?: boolean }>;
  steps: number;
  updatedAt: string;
}

const PAGE = 1000;
const write = (line: string): void => void process.stdout.write(`${line}\n`);

/** Saves the instruction in `file` (a new version when its id is taken). */
export async function saveInstruction(client: Client, file: string): Promise<{ instruction: InstructionSummary; created: boolean }> {
  const { text, contentType } = readDocumentFile(file);
  const response = await client.request('POST', '/api/instructions', { body: text, headers: { 'content-type': contentType } });
  await client.failOnProblem(response);
  return { instruction: (await response.json()) as InstructionSummary, created: response.status === 201 };
}

/** `notes v2 (2 steps, run by hand)`. */
export function describeInstruction(instruction: InstructionSummary): string {
  return `${instruction.id} v${instruction.version} (${instruction.steps} step${instruction.steps === 1 ? '' : 's'}, ${triggerOf(instruction)})`;
}

export async function instructionsListCommand(client: Client, asJson: boolean): Promise<void> {
  const instructions: InstructionSummary[] = [];
  for (let after: string | undefined; ; ) {
    const query = `?limit=${PAGE}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
    const page = (await client.json<{ instructions: InstructionSummary[] }>('GET', `/api/instructions${query}`)).instructions;
    instructions.push(...page);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  if (asJson) return write(JSON.stringify({ instructions }, null, 2));
  if (instructions.length === 0) return write('no instructions (save one with vextir instructions put <file>, or run one with vextir plan run <file>)');
  const width = Math.max(2, ...instructions.map((instruction) => instruction.id.length));
  write(`${'ID'.padEnd(width)}  ${'VERSION'.padEnd(7)}  ${'STEPS'.padStart(5)}  ${'TRIGGER'.padEnd(28)}  NAME`);
  for (const instruction of instructions) {
    write(`${instruction.id.padEnd(width)}  ${`v${instruction.version}`.padEnd(7)}  ${String(instruction.steps).padStart(5)}  ${triggerOf(instruction).padEnd(28)}  ${instruction.name ?? ''}`.trimEnd());
  }
}

export async function instructionsGetCommand(client: Client, id: string | undefined, asJson: boolean): Promise<void> {
  if (!id) throw new CliError('usage: vextir instructions get <id> [--json]', 2);
  const path = `/api/instructions/${encodeURIComponent(id)}`;
  if (asJson) return write(JSON.stringify(await client.json<unknown>('GET', path), null, 2));
  const response = await client.request('GET', path, { headers: { accept: 'application/yaml' } });
  await client.failOnProblem(response);
  process.stdout.write(await response.text());
}

export async function instructionsPutCommand(client: Client, file: string | undefined): Promise<void> {
  if (!file) throw new CliError('usage: vextir instructions put <file.yaml|file.json>', 2);
  const { instruction, created } = await saveInstruction(client, file);
  write(`${created ? 'created' : 'updated'} instruction ${describeInstruction(instruction)}`);
}

export async function instructionsRemoveCommand(client: Client, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('usage: vextir instructions rm <id>', 2);
  await client.failOnProblem(await client.request('DELETE', `/api/instructions/${encodeURIComponent(id)}`));
  write(`deleted instruction ${id} (plans already started run on)`);
}

function triggerOf({ trigger }: InstructionSummary): string {
  if (trigger?.schedule !== undefined) return `cron "${trigger.schedule}" ${trigger.timezone ?? 'UTC'}`;
  if (trigger?.event !== undefined) return `on ${trigger.event}`;
  return 'run by hand';
}
