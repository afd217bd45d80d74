/**
 * Instruction -> DAG. Everything that can be known before a run is checked here, so a bad
 * instruction is refused on submit with a 400 that names the step and the problem: the schema,
 * duplicate ids, unknown dependencies, cycles, failure handlers, CEL that does not compile,
 * templates that read a step the reading step does not depend on, unknown tools, inputs whose
 * default does not fit their type, and the trigger's cron pattern and time zone.
 */
import { KernelError } from '../kernel/index.js';
import { checkCron, checkTimeZone } from '../scheduler/index.js';
import { checkExpression, expandShorthand, expandTemplates, RESERVED_NAMES, stepReferences, templateExpressions, type Scope } from './expressions.js';
import { instructionSchema, type Instruction, type Step } from './instruction.js';
import { checkInputType } from './inputs.js';
import { findCycle, Upstream } from './step-graph.js';
import type { NodeDefinition, PlanDefinition } from './plan-definition.js';
import { requiredMessage, suggest, zodProblems } from './problems.js';

export interface PlanProblem {
  /** JSON pointer into the instruction as submitted (`/plan/3/depends_on/0`). */
  pointer: string;
  /** The step's id, when the problem is in a step. */
  step?: string;
  reason: string;
}

export interface CompileOptions {
  /** Whether a tool of this name exists (call_tool steps). */
  knownTool(name: string): boolean;
}

export interface CompiledInstruction {
  instruction: Instruction;
  definition: PlanDefinition;
}

/** Parses and compiles; throws KernelError `invalid_input` listing every problem found. */
export function compileInstruction(body: unknown, options: CompileOptions): CompiledInstruction {
  const parsed = instructionSchema.safeParse(body, { error: requiredMessage });
  if (!parsed.success) refuse(parsed.error.issues.flatMap((issue) => zodProblems(issue, body)));
  const instruction = parsed.data;
  const problems = checkInstruction(instruction, options);
  if (problems.length > 0) refuse(problems);
  return { instruction, definition: toDefinition(instruction) };
}

function refuse(problems: PlanProblem[]): never {
  const shown = problems.slice(0, 20);
  const listed = shown.map((problem) => (problem.step === undefined ? `${problem.pointer || '(root)'} ${problem.reason}` : `step ${problem.step} (${problem.pointer}): ${problem.reason}`)).join('; ');
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  throw new KernelError('invalid_input', `the instruction is invalid: ${listed}${more}`, { details: { errors: shown } });
}

function checkInstruction(instruction: Instruction, options: CompileOptions): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const steps = instruction.plan;
  const positions = new Map<string, number>();
  steps.forEach((step, index) => {
    const at = (field?: string) => `/plan/${index}${field === undefined ? '' : `/${field}`}`;
    if (positions.has(step.id)) problems.push({ pointer: at('id'), step: step.id, reason: `the id is used by step ${positions.get(step.id)! + 1} already` });
    else positions.set(step.id, index);
    if (RESERVED_NAMES.has(step.id)) problems.push({ pointer: at('id'), step: step.id, reason: `"${step.id}" is a name expressions use; choose another id` });
  });
  const handlers = new Set<number>();
  steps.forEach((step, index) => {
    const at = (field: string) => `/plan/${index}/${field}`;
    step.depends_on.forEach((dependency, position) => {
      if (!positions.has(dependency)) problems.push({ pointer: at(`depends_on/${position}`), step: step.id, reason: `depends on "${dependency}", which is not a step of this plan${suggest(dependency, positions)}` });
      else if (dependency === step.id) problems.push({ pointer: at(`depends_on/${position}`), step: step.id, reason: 'depends on itself' });
    });
    if (step.on_failure !== 'fail' && step.on_failure !== 'continue') {
      const handler = positions.get(step.on_failure);
      if (handler === undefined) problems.push({ pointer: at('on_failure'), step: step.id, reason: `on_failure names "${step.on_failure}", which is not a step of this plan (or use fail or continue)` });
      else if (handler === index) problems.push({ pointer: at('on_failure'), step: step.id, reason: 'on_failure names the step itself' });
      else handlers.add(handler);
    }
    if (step.action === 'call_tool' && !options.knownTool(step.tool)) problems.push({ pointer: at('tool'), step: step.id, reason: `no tool is named "${step.tool}" (GET /api/tools lists them)` });
    if (step.action === 'sleep' && (step.duration === undefined) === (step.until === undefined)) problems.push({ pointer: at('duration'), step: step.id, reason: 'a sleep needs exactly one of duration and until' });
  });
  for (const handler of handlers) {
    const step = steps[handler]!;
    if (step.depends_on.length > 0) problems.push({ pointer: `/plan/${handler}/depends_on`, step: step.id, reason: 'an on_failure step runs when the failing step fails; it cannot have depends_on' });
    for (const other of steps) {
      if (other.depends_on.includes(step.id)) problems.push({ pointer: `/plan/${positions.get(other.id)}/depends_on`, step: other.id, reason: `depends on "${step.id}", an on_failure step that runs only when another step fails` });
    }
  }
  if (problems.length > 0) return problems;
  const cycle = findCycle(steps, positions);
  if (cycle) return [{ pointer: `/plan/${positions.get(cycle[0]!)}/depends_on`, step: cycle[0]!, reason: `the steps ${cycle.join(' -> ')} form a cycle` }];
  problems.push(...checkExpressions(instruction, positions));
  problems.push(...checkInputs(instruction), ...checkTrigger(instruction));
  return problems;
}

function checkExpressions(instruction: Instruction, positions: Map<string, number>): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const steps = instruction.plan;
  const ids = new Set(positions.keys());
  const upstream = new Upstream(steps, positions);
  const check = (source: string, scope: Scope, pointer: string, step: Step | undefined, template: boolean) => {
    const expression = template ? expandShorthand(source, ids) : source;
    const problem = checkExpression(expression, scope);
    if (problem !== undefined) {
      problems.push({ pointer, ...(step && { step: step.id }), reason: `${template ? `the template {{${source}}}` : `the expression "${source}"`} does not compile: ${problem}` });
      return;
    }
    for (const reference of stepReferences(expression)) {
      if (!positions.has(reference)) problems.push({ pointer, ...(step && { step: step.id }), reason: `reads steps.${reference}, which is not a step of this plan${suggest(reference, positions)}` });
      else if (step === undefined) continue; // plan outputs may read any step
      else if (!upstream.reaches(step.id, reference)) problems.push({ pointer, step: step.id, reason: `reads steps.${reference}, which it does not depend on (add "${reference}" to depends_on, directly or through another step)` });
    }
  };
  steps.forEach((step, index) => {
    const at = (field: string) => `/plan/${index}/${field}`;
    if (step.condition !== undefined) check(step.condition, 'step', at('condition'), step, false);
    for (const [field, value] of Object.entries(templatedFields(step))) {
      for (const expression of templateExpressions(value)) check(expression, 'step', at(field), step, true);
    }
    if (step.action === 'wait_for_event') step.events.forEach((each, position) => each.match !== undefined && check(each.match, 'match', at(`events/${position}/match`), step, false));
  });
  for (const [name, value] of Object.entries(instruction.outputs ?? {})) {
    for (const expression of templateExpressions(value)) check(expression, 'step', `/outputs/${name}`, undefined, true);
  }
  const condition = instruction.trigger?.condition;
  if (condition !== undefined) {
    const problem = checkExpression(condition, 'trigger');
    if (problem !== undefined) problems.push({ pointer: '/trigger/condition', reason: `the expression "${condition}" does not compile: ${problem}` });
  }
  return problems;
}

/** The fields of a step whose strings may hold templates. */
function templatedFields(step: Step): Record<string, unknown> {
  switch (step.action) {
    case 'emit_event':
      return { event: { data: step.event.data, subject: step.event.subject } };
    case 'call_tool':
      return { arguments: step.arguments };
    case 'sub_plan':
      return { inputs: step.inputs };
    case 'sleep':
      return step.until === undefined ? {} : { until: step.until };
    case 'wait_for_event':
      return {};
  }
}

function checkInputs(instruction: Instruction): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const names = new Set<string>();
  instruction.inputs.forEach((input, index) => {
    if (names.has(input.name)) problems.push({ pointer: `/inputs/${index}/name`, reason: `the input "${input.name}" is declared twice` });
    names.add(input.name);
    if (input.default !== undefined) {
      const problem = checkInputType(input.default, input.type);
      if (problem !== undefined) problems.push({ pointer: `/inputs/${index}/default`, reason: `the default ${problem}` });
    }
  });
  return problems;
}

function checkTrigger(instruction: Instruction): PlanProblem[] {
  const trigger = instruction.trigger;
  if (trigger === undefined) return [];
  const zone = checkTimeZone(trigger.timezone);
  if (zone !== undefined) return [{ pointer: '/trigger/timezone', reason: zone }];
  const cron = trigger.schedule === undefined ? undefined : checkCron(trigger.schedule, trigger.timezone);
  return cron === undefined ? [] : [{ pointer: '/trigger/schedule', reason: cron }];
}

function toDefinition(instruction: Instruction): PlanDefinition {
  const steps = instruction.plan;
  const positions = new Map(steps.map((step, index) => [step.id, index]));
  const ids = new Set(positions.keys());
  const dependents: number[][] = steps.map(() => []);
  steps.forEach((step, index) => step.depends_on.forEach((dependency) => dependents[positions.get(dependency)!]!.push(index)));
  const handlers = new Set(steps.flatMap((step) => (step.on_failure === 'fail' || step.on_failure === 'continue' ? [] : [positions.get(step.on_failure)!])));
  const nodes = steps.map((step, index): NodeDefinition => {
    const expressions = [...(step.condition === undefined ? [] : [step.condition]), ...Object.values(templatedFields(step)).flatMap(templateExpressions).map((text) => expandShorthand(text, ids))];
    if (step.action === 'wait_for_event') expressions.push(...step.events.flatMap((each) => (each.match === undefined ? [] : [each.match])));
    const reads = [...new Set(expressions.flatMap(stepReferences))].map((id) => positions.get(id)!);
    const node: NodeDefinition = {
      index,
      id: step.id,
      action: step.action,
      dependsOn: [...new Set(step.depends_on)].map((id) => positions.get(id)!),
      dependents: dependents[index]!,
      reads,
      retry: {
        attempts: step.retry?.attempts ?? 1,
        backoffMs: step.retry?.backoff ?? 1000,
        factor: step.retry?.factor ?? 2,
        maxBackoffMs: step.retry?.max_backoff ?? 300_000,
      },
      onFailure: step.on_failure === 'fail' || step.on_failure === 'continue' ? step.on_failure : positions.get(step.on_failure)!,
      handler: handlers.has(index),
    };
    if (step.name !== undefined) node.name = step.name;
    if (step.condition !== undefined) node.condition = step.condition;
    if (step.timeout !== undefined) node.timeoutMs = step.timeout;
    switch (step.action) {
      case 'emit_event':
        node.event = expandTemplates(step.event, ids) as typeof step.event;
        node.wait = step.wait;
        break;
      case 'call_tool':
        node.tool = step.tool;
        node.arguments = expandTemplates(step.arguments, ids) as Record<string, unknown>;
        break;
      case 'wait_for_event':
        node.events = step.events.map((each) => (each.match === undefined ? { type: each.type } : { type: each.type, match: each.match }));
        break;
      case 'sleep':
        if (step.duration !== undefined) node.durationMs = step.duration;
        if (step.until !== undefined) node.until = expandTemplates(step.until, ids) as string;
        break;
      case 'sub_plan':
        node.instruction = step.instruction;
        node.inputs = expandTemplates(step.inputs, ids) as Record<string, unknown>;
        break;
    }
    return node;
  });
  const roots = nodes.filter((node) => node.dependsOn.length === 0 && !node.handler).map((node) => node.index);
  return instruction.outputs === undefined ? { nodes, roots } : { nodes, roots, outputs: expandTemplates(instruction.outputs, ids) as Record<string, unknown> };
}
