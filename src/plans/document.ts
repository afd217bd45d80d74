/** An instruction as a YAML or JSON document (the seed writes them in YAML). */
import { parse as parseYaml } from 'yaml';
import { KernelError } from '../kernel/index.js';

export function readInstructionDocument(text: string, format: 'json' | 'yaml'): unknown {
  try {
    // YAML's alias expansion is capped by the library (maxAliasCount): no billion laughs.
    return format === 'json' ? (JSON.parse(text) as unknown) : (parseYaml(text, { maxAliasCount: 100 }) as unknown);
  } catch (error) {
    const reason = `is not valid ${format.toUpperCase()}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    throw new KernelError('invalid_input', `the instruction ${reason}`, { cause: error, details: { errors: [{ pointer: '', reason }] } });
  }
}
