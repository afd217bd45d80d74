/**
 * A plan's inputs: the instruction declares them (name, type, default, required); a run gives
 * values. Unknown names and wrong types are refused before anything starts.
 */
import { KernelError } from '../kernel/index.js';
import type { Instruction, InputType } from './instruction.js';

/** Why `value` is not of `type`, or undefined. */
export function checkInputType(value: unknown, type: InputType): string | undefined {
  const ok =
    type === 'any' ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'list' && Array.isArray(value)) ||
    (type === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value));
  return ok ? undefined : `must be ${type === 'integer' || type === 'object' ? 'an' : 'a'} ${type}`;
}

/** The inputs a run gets: the given values over the defaults; throws KernelError `invalid_input`. */
export function resolveInputs(instruction: Pick<Instruction, 'id' | 'inputs'>, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const declared = new Map(instruction.inputs.map((input) => [input.name, input]));
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) problems.push(`"${name}" is not an input of ${instruction.id} (it has ${[...declared.keys()].join(', ') || 'none'})`);
  }
  const resolved: Record<string, unknown> = {};
  for (const input of instruction.inputs) {
    const value = Object.hasOwn(given, input.name) ? given[input.name] : input.default;
    if (value === undefined) {
      if (input.required !== false) problems.push(`the input "${input.name}" is required`);
      continue;
    }
    const problem = checkInputType(value, input.type);
    if (problem !== undefined) problems.push(`the input "${input.name}" ${problem}`);
    resolved[input.name] = value;
  }
  if (problems.length > 0) throw new KernelError('invalid_input', `inputs of ${instruction.id}: ${problems.join('; ')}`, { details: { errors: problems } });
  return resolved;
}
