/**
 * Users' instructions (StateStore, kind `instruction`, the user's partition), each with a version
 * that grows on every change. The instruction as submitted is kept (as a blob when large: a
 * 10,000-step instruction is larger than one store item); compiled definitions are cached by
 * version. Saving one arms its trigger: a cron trigger becomes a schedule (`instruction-<id>`)
 * that publishes `instruction.run`; an event trigger becomes an interest the router sees.
 */
import { KernelError, isKernelError, type StateStore } from '../kernel/index.js';
import { compileInstruction, type CompiledInstruction, type CompileOptions } from './compile.js';
import type { Instruction, InstructionTrigger } from './instruction.js';
import { TRIGGER_KIND, triggerKey, type EventInterests } from './interests.js';
import { OutputStore } from './outputs.js';
import type { PlanProblem } from './compile.js';

export const INSTRUCTION_KIND = 'instruction';
export const RUN_INSTRUCTION = 'instruction.run';

/** What the scheduler offers instructions (the Scheduler class has it). */
export interface InstructionSchedules {
  create(userId: string, body: unknown): Promise<unknown>;
  remove(userId: string, id: string): Promise<void>;
}

export interface InstructionSummary {
  id: string;
  version: number;
  name?: string;
  description?: string;
  trigger?: InstructionTrigger;
  inputs: Instruction['inputs'];
  concurrency?: number;
  steps: number;
  schedule?: string;
  createdAt: string;
  updatedAt: string;
}

interface StoredInstruction extends InstructionSummary {
  source?: unknown;
  sourceRef?: { key: string; chunks: number; bytes: number };
}

const MAX_CACHED = 200;

export function scheduleIdOf(instructionId: string): string {
  return `instruction-${instructionId}`.slice(0, 64);
}

export class InstructionStore {
  readonly #blobs: OutputStore;
  readonly #compiled = new Map<string, CompiledInstruction>();

  constructor(
    private readonly deps: { state: StateStore; schedules: InstructionSchedules; interests: EventInterests; compile: CompileOptions; now: () => Date; maxPerUser?: number },
  ) {
    this.#blobs = new OutputStore(deps.state);
  }

  /** Validates (400 naming the step), stores, arms the trigger. */
  async put(userId: string, body: unknown): Promise<{ instruction: InstructionSummary; created: boolean }> {
    const compiled = compileInstruction(body, this.deps.compile);
    const { instruction } = compiled;
    const previous = await this.#stored(userId, instruction.id);
    if (!previous) {
      const count = (await this.deps.state.list(userId, INSTRUCTION_KIND, { limit: this.#max })).length;
      if (count >= this.#max) throw new KernelError('conflict', `you have ${count} instructions, the most one user may keep; delete one first`);
    }
    const now = this.deps.now().toISOString();
    const version = (previous?.value.version ?? 0) + 1;
    const kept = await this.#blobs.keep(userId, `instruction/${instruction.id}/${version}`, instruction);
    const stored: StoredInstruction = {
      ...summaryOf(instruction, version, previous?.value.createdAt ?? now, now),
      ...('output' in kept ? { source: kept.output } : { sourceRef: kept.outputRef }),
    };
    await this.#armTrigger(userId, instruction, previous?.value);
    await this.deps.state.put(userId, INSTRUCTION_KIND, instruction.id, stored, previous ? { ifMatch: previous.etag } : { ifNoneMatch: '*' }).catch((error: unknown) => {
      if (isKernelError(error, 'precondition_failed')) throw new KernelError('conflict', `instruction ${instruction.id} was changed at the same time; send it again`, { retryable: true });
      throw error;
    });
    this.#compiled.set(cacheKey(userId, instruction.id, version), compiled);
    this.#trim();
    return { instruction: withoutSource(stored), created: !previous };
  }

  async list(userId: string, limit: number, afterId?: string): Promise<InstructionSummary[]> {
    const items = await this.deps.state.list(userId, INSTRUCTION_KIND, { limit, ...(afterId !== undefined && { afterKey: afterId }) });
    return items.map((item) => withoutSource(item.value as StoredInstruction));
  }

  async get(userId: string, id: string): Promise<{ summary: InstructionSummary; instruction: Instruction }> {
    const stored = await this.#stored(userId, id);
    if (!stored) throw new KernelError('not_found', `no instruction "${id}"`);
    return { summary: withoutSource(stored.value), instruction: await this.#source(userId, stored.value) };
  }

  /** The compiled instruction a run uses (the latest version). */
  async compiled(userId: string, id: string): Promise<{ summary: InstructionSummary; compiled: CompiledInstruction }> {
    const stored = await this.#stored(userId, id);
    if (!stored) throw new KernelError('not_found', `no instruction "${id}"`);
    const key = cacheKey(userId, id, stored.value.version);
    let compiled = this.#compiled.get(key);
    if (compiled === undefined) {
      compiled = compileInstruction(await this.#source(userId, stored.value), this.deps.compile);
      this.#compiled.set(key, compiled);
      this.#trim();
    }
    return { summary: withoutSource(stored.value), compiled };
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const stored = await this.#stored(userId, id);
    if (!stored) return false;
    await this.#armTrigger(userId, undefined, stored.value);
    return this.deps.state.delete(userId, INSTRUCTION_KIND, id);
  }

  get #max(): number {
    return this.deps.maxPerUser ?? 1000;
  }

  async #stored(userId: string, id: string): Promise<{ value: StoredInstruction; etag: string } | undefined> {
    const item = await this.deps.state.get(userId, INSTRUCTION_KIND, id);
    return item && { value: item.value as StoredInstruction, etag: item.etag };
  }

  async #source(userId: string, stored: StoredInstruction): Promise<Instruction> {
    if (stored.sourceRef === undefined) return stored.source as Instruction;
    return (await this.#blobs.read(userId, stored.sourceRef)) as Instruction;
  }

  /** Replaces what `previous` armed with what `next` needs (either may be absent). */
  async #armTrigger(userId: string, next: Instruction | undefined, previous: StoredInstruction | undefined): Promise<void> {
    const id = next?.id ?? previous?.id;
    if (id === undefined) return;
    if (previous?.trigger?.schedule !== undefined) {
      await this.deps.schedules.remove(userId, scheduleIdOf(id)).catch((error: unknown) => {
        if (!isKernelError(error, 'not_found')) throw error;
      });
    }
    if (previous?.trigger?.event !== undefined && previous.trigger.event !== next?.trigger?.event) {
      await this.deps.state.delete(userId, TRIGGER_KIND, triggerKey(previous.trigger.event, id));
    }
    const trigger = next?.trigger;
    if (trigger?.schedule !== undefined) {
      await this.deps.schedules.create(userId, {
        id: scheduleIdOf(id),
        name: `instruction ${id}`,
        event: { type: RUN_INSTRUCTION, data: { instruction: id } },
        cron: trigger.schedule,
        timezone: trigger.timezone,
        catchup: trigger.catchup,
      });
    }
    if (trigger?.event !== undefined) await this.deps.state.put(userId, TRIGGER_KIND, triggerKey(trigger.event, id), { pattern: trigger.event, instruction: id });
    this.deps.interests.invalidate(userId);
  }

  #trim(): void {
    while (this.#compiled.size > MAX_CACHED) this.#compiled.delete(this.#compiled.keys().next().value as string);
  }
}

function cacheKey(userId: string, id: string, version: number): string {
  return `${userId}\n${id}\n${version}`;
}

function summaryOf(instruction: Instruction, version: number, createdAt: string, updatedAt: string): InstructionSummary {
  return {
    id: instruction.id,
    version,
    ...(instruction.name !== undefined && { name: instruction.name }),
    ...(instruction.description !== undefined && { description: instruction.description }),
    ...(instruction.trigger !== undefined && { trigger: instruction.trigger }),
    inputs: instruction.inputs,
    ...(instruction.concurrency !== undefined && { concurrency: instruction.concurrency }),
    steps: instruction.plan.length,
    ...(instruction.trigger?.schedule !== undefined && { schedule: scheduleIdOf(instruction.id) }),
    createdAt,
    updatedAt,
  };
}

function withoutSource(stored: StoredInstruction): InstructionSummary {
  const { source: _source, sourceRef: _ref, ...summary } = stored;
  return summary;
}

export type { PlanProblem };
